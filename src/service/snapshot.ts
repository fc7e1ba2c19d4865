import { LRUCache } from 'lru-cache';
import type { LoadedConfig } from '../config/load';
import { settingsForName } from '../core/domain-template';
import type { DomainSettings, ServerSettings, ServiceSettings } from '../core/settings';
import { DnsContext, domainZones } from '../dns/records';
import { prepareDomainPage, type DomainPageFacts } from '../pages/domain-facts';
import { prepareAppleProfile } from '../protocols/apple';
import type { ProfileSigner } from '../protocols/apple-signing';
import { serverId } from '../protocols/autodiscover-error';
import { prepareAutodiscoverJson, type PreparedAutodiscoverJson } from '../protocols/autodiscover-json';
import { renderAutoconfig } from '../protocols/mozilla';
import { prepareMobileSyncResponse } from '../protocols/mobilesync';
import { prepareOutlookResponse } from '../protocols/outlook';
import type { PreparedText } from '../protocols/prepared-text';
import { CERTIFICATE_PREFIXES } from './tls-ask';

/** Everything the answers for one domain need that does not depend on the request. */
export interface PreparedDomain {
  readonly settings: DomainSettings;
  readonly autoconfig: Buffer;
  /** Absent when POX can describe none of the domain's servers of a direction: error 501. */
  readonly outlook: PreparedText | undefined;
  /** Absent when the domain has no ActiveSync endpoint. */
  readonly mobilesync: PreparedText | undefined;
  /** What the settings page for people shows about the domain, whoever asks. */
  readonly page: DomainPageFacts;
  readonly autodiscoverJson: PreparedAutodiscoverJson;
  /**
   * The unsigned `.mobileconfig` plist; signing happens per request, after the address is in.
   * Absent when a profile can describe no server pair of the domain.
   */
  readonly appleProfile: PreparedText | undefined;
}

/**
 * How many domains keep their prepared answers between requests. Clients set up a few domains at
 * a time, so a recently used set serves nearly every request from memory, while a scan over all
 * 100,000 domains of a hoster cannot grow the process without bound (about 2 KB per domain).
 */
export const PREPARED_DOMAINS_KEPT = 10_000;

/**
 * An immutable view of one loaded config: the domain index plus the prepared answers. A reload
 * builds a new snapshot and swaps it in; requests keep the snapshot they started with.
 */
export class Snapshot {
  private readonly index: ReadonlyMap<string, DomainSettings>;
  private readonly prepared: LRUCache<DomainSettings, PreparedDomain>;
  /**
   * The Outlook and ActiveSync documents name no domain, only servers and login policies, so all
   * domains that share resolved server lists (every domain of a profile) share one prepared text.
   */
  private readonly outlook = new Map<
    readonly ServerSettings[],
    Map<readonly ServerSettings[], PreparedText | undefined>
  >();
  private readonly mobilesync = new Map<string, PreparedText | undefined>();
  private dnsContext: DnsContext | undefined;
  readonly service: ServiceSettings;
  readonly domains: readonly DomainSettings[];
  /** `Id` attribute of Autodiscover errors: stable per deployment, not per request. */
  readonly serverId: string;
  /** Signs configuration profiles when `service.signing` is configured. */
  readonly signer: ProfileSigner | undefined;

  constructor(
    config: Pick<LoadedConfig, 'domains' | 'service' | 'signer' | 'dns'>,
    readonly generation = 1,
    readonly loadedAt = new Date(),
    options: { preparedDomainsKept?: number; index?: ReadonlyMap<string, DomainSettings> } = {},
  ) {
    this.service = config.service;
    this.domains = config.domains;
    this.index = options.index ?? addToIndex(new Map(), config.domains, 0, config.domains.length);
    this.prepared = new LRUCache({ max: options.preparedDomainsKept ?? PREPARED_DOMAINS_KEPT });
    this.serverId = serverId(config.service.publicHost ?? 'mail-autoconf');
    this.signer = config.signer;
    // The loader built it for its warnings; a snapshot made from bare settings builds it on use.
    this.dnsContext = config.dns;
  }

  /**
   * A snapshot built in slices, for a server that swaps configs while it answers: indexing 100,000
   * domains in one go would hold the event loop for tens of milliseconds.
   */
  static async build(
    config: Pick<LoadedConfig, 'domains' | 'service' | 'signer' | 'dns'>,
    generation: number,
    loadedAt: Date,
  ): Promise<Snapshot> {
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
   * The settings as seen from `domain` (a domain or an alias): where the config writes
   * `%EMAILDOMAIN%` in hosts or names, they are filled in with this very name.
   */
  settings(domain: string): DomainSettings | undefined {
    const entry = this.index.get(domain);
    return entry && settingsForName(entry, domain);
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
        const rest = name.slice(prefix.length + 1);
        const settings = this.index.get(rest);
        if (settings) return settings.domain;
      }
    }
    if (this.service.tlsAllowApex) return this.index.get(name)?.domain;
    return undefined;
  }

  /**
   * The prepared answers for a domain or alias. They are rendered on first use rather than at load,
   * so a 100,000-domain config starts in seconds, and kept for the recently used domains.
   */
  lookup(domain: string): PreparedDomain | undefined {
    // A domain with %EMAILDOMAIN% in its hosts answers each of its names with its own hosts.
    const settings = this.settings(domain);
    if (!settings) return undefined;
    let prepared = this.prepared.get(settings);
    if (!prepared) {
      prepared = {
        settings,
        autoconfig: ownBuffer(renderAutoconfig(settings)),
        outlook: this.outlookFor(settings),
        mobilesync: this.mobilesyncFor(settings),
        page: prepareDomainPage(settings, this.service, domainZones(settings, this.dns)),
        autodiscoverJson: prepareAutodiscoverJson(settings, this.service),
        appleProfile: prepareAppleProfile(settings),
      };
      this.prepared.set(settings, prepared);
    }
    return prepared;
  }

  /** What the DNS generator knows across the whole config: built once per load. */
  get dns(): DnsContext {
    this.dnsContext ??= new DnsContext(this.domains, this.service);
    return this.dnsContext;
  }

  private outlookFor(settings: DomainSettings): PreparedText | undefined {
    let byOutgoing = this.outlook.get(settings.incoming);
    if (!byOutgoing)
      this.outlook.set(
        settings.incoming,
        (byOutgoing = new Map<readonly ServerSettings[], PreparedText | undefined>()),
      );
    if (!byOutgoing.has(settings.outgoing))
      byOutgoing.set(settings.outgoing, prepareOutlookResponse(settings));
    return byOutgoing.get(settings.outgoing);
  }

  private mobilesyncFor(settings: DomainSettings): PreparedText | undefined {
    const url = settings.activeSync?.url;
    if (url === undefined) return undefined;
    if (!this.mobilesync.has(url)) this.mobilesync.set(url, prepareMobileSyncResponse(settings));
    return this.mobilesync.get(url);
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
function ownBuffer(text: string): Buffer {
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  buffer.write(text, 'utf8');
  return buffer;
}
