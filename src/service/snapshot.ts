import type { LoadedConfig } from '../config/load';
import { prepareDomainPage, type DomainPageFacts } from '../pages/domain-facts';
import { prepareAppleProfile } from '../protocols/apple';
import type { ProfileSigner } from '../protocols/apple-signing';
import { prepareAutodiscoverJson, type PreparedAutodiscoverJson } from '../protocols/autodiscover-json';
import type { DomainSettings, ServiceSettings } from '../core/settings';
import { serverId } from '../protocols/autodiscover-error';
import { renderAutoconfig } from '../protocols/mozilla';
import { prepareMobileSyncResponse } from '../protocols/mobilesync';
import { prepareOutlookResponse } from '../protocols/outlook';
import type { PreparedText } from '../protocols/prepared-text';
import { DnsContext, domainZones, type ZoneRecords } from '../dns/records';
import { CERTIFICATE_PREFIXES } from './tls-ask';

/** Everything the answers for one domain need that does not depend on the request. */
export interface PreparedDomain {
  readonly settings: DomainSettings;
  readonly autoconfig: Buffer;
  readonly outlook: PreparedText;
  /** Absent when the domain has no ActiveSync endpoint. */
  readonly mobilesync: PreparedText | undefined;
  /** What the settings page for people shows about the domain, whoever asks. */
  readonly page: DomainPageFacts;
  readonly autodiscoverJson: PreparedAutodiscoverJson;
  /** The unsigned `.mobileconfig` plist; signing happens per request, after the address is in. */
  readonly appleProfile: PreparedText;
}

/**
 * An immutable view of one loaded config: the domain index plus the prepared answers. A reload
 * builds a new snapshot and swaps it in; requests keep the snapshot they started with.
 */
export class Snapshot {
  private readonly index = new Map<string, DomainSettings>();
  private readonly prepared = new Map<DomainSettings, PreparedDomain>();
  private readonly zones = new Map<DomainSettings, readonly ZoneRecords[]>();
  private dnsContext: DnsContext | undefined;
  readonly service: ServiceSettings;
  readonly domains: readonly DomainSettings[];
  /** `Id` attribute of Autodiscover errors: stable per deployment, not per request. */
  readonly serverId: string;
  /** Signs configuration profiles when `service.signing` is configured. */
  readonly signer: ProfileSigner | undefined;

  constructor(
    config: Pick<LoadedConfig, 'domains' | 'service' | 'signer'>,
    readonly generation = 1,
    readonly loadedAt = new Date(),
  ) {
    this.service = config.service;
    this.domains = config.domains;
    for (const settings of config.domains) {
      this.index.set(settings.domain, settings);
      for (const alias of settings.aliases) this.index.set(alias, settings);
    }
    this.signer = config.signer;
    this.serverId = serverId(config.service.publicHost ?? 'mail-autoconf');
  }

  /** Number of names answered (domains and aliases). */
  get size(): number {
    return this.index.size;
  }

  settings(domain: string): DomainSettings | undefined {
    return this.index.get(domain);
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
   * The prepared answers for a domain or alias. They are rendered on first use and kept for the
   * life of the snapshot, so a 100,000-domain config loads without rendering every domain up front
   * and each domain is still rendered at most once per load.
   */
  lookup(domain: string): PreparedDomain | undefined {
    const settings = this.index.get(domain);
    if (!settings) return undefined;
    let prepared = this.prepared.get(settings);
    if (!prepared) {
      prepared = {
        settings,
        autoconfig: Buffer.from(renderAutoconfig(settings), 'utf8'),
        outlook: prepareOutlookResponse(settings),
        mobilesync: prepareMobileSyncResponse(settings),
        page: prepareDomainPage(settings, this.service),
        autodiscoverJson: prepareAutodiscoverJson(settings, this.service),
        appleProfile: prepareAppleProfile(settings),
      };
      this.prepared.set(settings, prepared);
    }
    return prepared;
  }

  /** What the DNS generator knows across the whole config; built on first use, once per load. */
  get dns(): DnsContext {
    this.dnsContext ??= new DnsContext(this.domains, this.service);
    return this.dnsContext;
  }

  /** The DNS records of a domain and its aliases at the configured TTL, generated once per load. */
  dnsZones(settings: DomainSettings): readonly ZoneRecords[] {
    let zones = this.zones.get(settings);
    if (!zones) {
      zones = domainZones(settings, this.dns);
      this.zones.set(settings, zones);
    }
    return zones;
  }
}
