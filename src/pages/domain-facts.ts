import type { DomainSettings, ServerSettings, ServiceSettings } from '../core/settings';
import type { RecordData } from '../dns/record';
import type { ZoneRecords } from '../dns/records';
import { absolute, rdataText } from '../dns/zonefile';
import { appleServers } from '../protocols/reach';

/** The URL paths of the endpoints the page links or names, given by the layer that owns them. */
export interface PagePaths {
  /** Subdomain form first, then the well-known form (protocols.md §1.1). */
  readonly autoconfig: readonly [string, string];
  readonly autodiscover: string;
  readonly mobileconfig: string;
  readonly mobileconfigQr: string;
}

export interface DnsFact {
  readonly name: string;
  readonly type: RecordData['type'];
  readonly value: string;
}

/** What the settings page shows about a domain that does not depend on the visitor: built once per load. */
export interface DomainPageFacts {
  /** IMAP before POP3 (IMAP keeps devices in sync), config order kept within each type. */
  readonly incoming: readonly ServerSettings[];
  readonly outgoing: readonly ServerSettings[];
  /**
   * Whether to offer an Apple profile: one that describes an IMAP account (protocols/reach), the
   * only kind worth offering a phone.
   */
  readonly hasImap: boolean;
  /** Autoconfig URLs in the order Thunderbird tries them (protocols.md §1.1), without the query. */
  readonly autoconfigUrls: readonly string[];
  readonly autodiscoverUrl: string;
  /** Undefined when `service.publicHost` is not set, so no CNAME target is known. */
  readonly cnameTarget: string | undefined;
  readonly dnsFacts: readonly DnsFact[];
  /** Paths of the Apple profile and its QR code, to link with the visitor's address. */
  readonly profilePaths: { readonly mobileconfig: string; readonly qr: string };
}

/**
 * The page shows the records `mail-autoconf dns` prints for the domain's own zone (not its
 * aliases'), so the page and the zone file can never disagree. "Not available" SRV records are left
 * out: they tell clients what not to try, which is no help to a person reading the page.
 */
export function prepareDomainPage(
  settings: DomainSettings,
  service: ServiceSettings,
  zones: readonly ZoneRecords[],
  paths: PagePaths,
): DomainPageFacts {
  const { domain } = settings;
  const incoming = [
    ...settings.incoming.filter((server) => server.type === 'imap'),
    ...settings.incoming.filter((server) => server.type !== 'imap'),
  ];
  const own = zones.find((zone) => zone.zone === domain);
  const dnsFacts = (own?.records ?? [])
    .filter((record) => !(record.data.type === 'SRV' && record.data.port === 0))
    .map((record) => ({
      name: absolute(record.name),
      type: record.data.type,
      value: rdataText(record.data),
    }));
  const [subdomainPath, wellKnownPath] = paths.autoconfig;
  return {
    incoming,
    outgoing: settings.outgoing,
    hasImap: appleServers(settings)?.incoming.server.type === 'imap',
    autoconfigUrls: [`https://autoconfig.${domain}${subdomainPath}`, `https://${domain}${wellKnownPath}`],
    autodiscoverUrl: `https://autodiscover.${domain}${paths.autodiscover}`,
    cnameTarget: service.publicHost,
    dnsFacts,
    profilePaths: { mobileconfig: paths.mobileconfig, qr: paths.mobileconfigQr },
  };
}
