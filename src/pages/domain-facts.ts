import type { DomainSettings, Security, ServerSettings, ServerType, ServiceSettings } from '../core/settings';
import { AUTOCONFIG_PATHS, AUTODISCOVER_PATH } from '../service/answers';

export interface DnsFact {
  readonly name: string;
  readonly type: 'CNAME' | 'SRV';
  readonly value: string;
}

/** What the settings page shows about a domain that does not depend on the visitor: built once per load. */
export interface DomainPageFacts {
  /** IMAP before POP3 (IMAP keeps devices in sync), config order kept within each type. */
  readonly incoming: readonly ServerSettings[];
  readonly outgoing: readonly ServerSettings[];
  /** Apple's mail payload only describes IMAP accounts worth offering a profile for. */
  readonly hasImap: boolean;
  /** Autoconfig URLs in the order Thunderbird tries them (protocols.md §1.1), without the query. */
  readonly autoconfigUrls: readonly string[];
  readonly autodiscoverUrl: string;
  /** Undefined when `service.publicHost` is not set, so no CNAME target is known. */
  readonly cnameTarget: string | undefined;
  readonly dnsFacts: readonly DnsFact[];
}

/**
 * RFC 6186 / RFC 8314 service labels (protocols.md §3.2). Unencrypted servers get none: publishing
 * them would invite clients to send passwords in clear.
 */
const SRV_LABELS = {
  imap: { tls: '_imaps._tcp', starttls: '_imap._tcp', none: undefined },
  pop3: { tls: '_pop3s._tcp', starttls: '_pop3._tcp', none: undefined },
  smtp: { tls: '_submissions._tcp', starttls: '_submission._tcp', none: undefined },
} as const satisfies Record<ServerType, Record<Security, string | undefined>>;

/** Lower SRV priority = preferred; steps of 10 leave room for admins to slot records in between. */
const PRIORITY_STEP = 10;

function srvFacts(domain: string, servers: readonly ServerSettings[]): DnsFact[] {
  return servers.flatMap((server, index) => {
    const label = SRV_LABELS[server.type][server.security];
    if (label === undefined) return [];
    return [
      {
        name: `${label}.${domain}.`,
        type: 'SRV' as const,
        value: `${index * PRIORITY_STEP} 1 ${server.port} ${server.host}.`,
      },
    ];
  });
}

export function prepareDomainPage(settings: DomainSettings, service: ServiceSettings): DomainPageFacts {
  const { domain } = settings;
  const incoming = [
    ...settings.incoming.filter((server) => server.type === 'imap'),
    ...settings.incoming.filter((server) => server.type !== 'imap'),
  ];
  const cnameTarget = service.publicHost;
  const cnames: DnsFact[] =
    cnameTarget === undefined
      ? []
      : ['autoconfig', 'autodiscover'].map((label) => ({
          name: `${label}.${domain}.`,
          type: 'CNAME' as const,
          value: `${cnameTarget}.`,
        }));
  const [subdomainPath, wellKnownPath] = AUTOCONFIG_PATHS;
  return {
    incoming,
    outgoing: settings.outgoing,
    hasImap: incoming.some((server) => server.type === 'imap'),
    autoconfigUrls: [`https://autoconfig.${domain}${subdomainPath}`, `https://${domain}${wellKnownPath}`],
    autodiscoverUrl: `https://autodiscover.${domain}${AUTODISCOVER_PATH}`,
    cnameTarget,
    dnsFacts: [...cnames, ...srvFacts(domain, incoming), ...srvFacts(domain, settings.outgoing)],
  };
}
