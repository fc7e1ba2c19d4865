import type { LoadedConfig } from '../config/load';
import { settingsForName } from '../core/domain-template';
import type { DomainSettings, ServiceSettings } from '../core/settings';
import { DnsContext } from '../dns/records';
import type { ProfileSigner } from '../protocols/apple-signing';
import { serverId } from '../protocols/autodiscover-error';
import { DEFAULT_PREPARED_BYTES, PreparedCache, type Preparer } from './prepared-cache';

/** The host name prefixes clients look up for a mail domain (protocols.md §1.1, §2.1). */
export const CERTIFICATE_PREFIXES = ['autoconfig', 'autodiscover'] as const;

/** What a snapshot is made of: resolved settings, and the DNS view and signer when known. */
export type SnapshotConfig = Pick<LoadedConfig, 'domains' | 'service'> & {
  readonly dns?: DnsContext;
  readonly signer?: ProfileSigner;
};

export interface SnapshotOptions {
  /** Bytes of prepared answers kept (see {@link DEFAULT_PREPARED_BYTES}). */
  readonly preparedBytes?: number;
  readonly index?: ReadonlyMap<string, DomainSettings>;
}

/**
 * An immutable view of one loaded config: the domain index, what spans the config (DNS view,
 * signer, server id), and one cache of what endpoints prepare per domain. A reload builds a new
 * snapshot and swaps it in; requests keep the snapshot they started with.
 */
export class Snapshot {
  private readonly index: ReadonlyMap<string, DomainSettings>;
  private readonly cache: PreparedCache;
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;
  private dnsContext: DnsContext | undefined;
  readonly service: ServiceSettings;
  readonly domains: readonly DomainSettings[];
  /** `Id` attribute of Autodiscover errors: stable per deployment, not per request. */
  readonly serverId: string;
  /** Signs configuration profiles when `service.signing` is configured. */
  readonly signer: ProfileSigner | undefined;

  constructor(
    config: SnapshotConfig,
    readonly generation = 1,
    readonly loadedAt = new Date(),
    options: SnapshotOptions = {},
  ) {
    this.service = config.service;
    this.domains = config.domains;
    this.index = options.index ?? addToIndex(new Map(), config.domains, 0, config.domains.length);
    this.cache = new PreparedCache(options.preparedBytes ?? DEFAULT_PREPARED_BYTES);
    this.serverId = serverId(config.service.publicHost ?? 'mail-autoconf');
    this.signer = config.signer;
    // The loader built it for its warnings; a snapshot made from bare settings builds it on use.
    this.dnsContext = config.dns;
  }

  /**
   * A snapshot built in slices, for a server that swaps configs while it answers: indexing 100,000
   * domains in one go would hold the event loop for tens of milliseconds.
   */
  static async build(config: SnapshotConfig, generation: number, loadedAt: Date): Promise<Snapshot> {
    const index = new Map<string, DomainSettings>();
    for (let from = 0; from < config.domains.length; from += DOMAINS_PER_SLICE) {
      addToIndex(index, config.domains, from, from + DOMAINS_PER_SLICE);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return new Snapshot(config, generation, loadedAt, { index });
  }

  /** Number of names answered (domains and aliases). */
  get size(): number {
    return this.index.size;
  }

  /**
   * The settings of a served domain or alias, as seen from that name: where the config writes
   * `%EMAILDOMAIN%` in hosts or names, they are filled in with this very name. A map lookup,
   * nothing rendered.
   */
  settings(domain: string): DomainSettings | undefined {
    const entry = this.index.get(domain);
    return entry && settingsForName(entry, domain);
  }

  /**
   * What `preparer` makes of a domain's settings, from the cache or made now. Each endpoint
   * prepares only what it sends, so a first autoconfig GET renders one document, not six.
   */
  prepared<T extends object>(preparer: Preparer<T>, settings: DomainSettings): T {
    return this.cache.get(preparer, settings, this);
  }

  /** Bytes and entries held by the prepared-answer cache. */
  get preparedUsage(): { bytes: number; entries: number } {
    return { bytes: this.cache.bytes, entries: this.cache.entries };
  }

  /**
   * A small number naming a shared object of the config (a resolved server list): a cache key for
   * values that depend on that object alone.
   */
  idOf(value: object): number {
    let id = this.ids.get(value);
    if (id === undefined) this.ids.set(value, (id = this.nextId++));
    return id;
  }

  /**
   * The served domain a TLS certificate for the normalised host `name` would be used for:
   * `autoconfig.<d>` and `autodiscover.<d>` of every domain and alias, `service.publicHost`, and the
   * bare domains only when `service.tls.allowApex` is set. Undefined for every other name.
   */
  certificateDomain(name: string): string | undefined {
    if (name === this.service.publicHost) return name;
    for (const prefix of CERTIFICATE_PREFIXES) {
      if (name.startsWith(`${prefix}.`)) {
        const settings = this.index.get(name.slice(prefix.length + 1));
        if (settings) return settings.domain;
      }
    }
    if (this.service.tlsAllowApex) return this.index.get(name)?.domain;
    return undefined;
  }

  /** What the DNS generator knows across the whole config: built once per load. */
  get dns(): DnsContext {
    this.dnsContext ??= new DnsContext(this.domains, this.service);
    return this.dnsContext;
  }
}

const DOMAINS_PER_SLICE = 10_000;

function addToIndex(
  index: Map<string, DomainSettings>,
  domains: readonly DomainSettings[],
  from: number,
  to: number,
): Map<string, DomainSettings> {
  for (let i = from; i < Math.min(to, domains.length); i++) {
    const settings = domains[i] as DomainSettings;
    index.set(settings.domain, settings);
    for (const alias of settings.aliases) index.set(alias, settings);
  }
  return index;
}

/**
 * A buffer of its own for a long-lived document. Small `Buffer.from` results are slices of shared
 * 8 KiB pool slabs, and one kept slice keeps its whole slab alive: thousands of cached 1.5 KiB
 * documents would then hold several times their size.
 */
export function ownBuffer(text: string): Buffer {
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  buffer.write(text, 'utf8');
  return buffer;
}
