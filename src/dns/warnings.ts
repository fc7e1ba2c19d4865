import type { DomainSettings } from '../core/settings';
import type { PathSegment } from '../core/path-segment';
import { runToEnd } from '../core/steps';
import { DNS_DOMAINS_PER_SLICE, enclosingZone, type DnsContext } from './records';

export interface DnsWarning {
  readonly domain: DomainSettings;
  readonly path: PathSegment[];
  readonly message: string;
}

const WEB_PREFIXES = ['autoconfig', 'autodiscover'] as const;

/**
 * Config that loads but makes the published DNS wrong. "An address record we know of" means one
 * the generator prints itself: from `service.hostAddresses`, or `service.publicAddresses` for the
 * public host. The generator cannot see the live zone; `mail-autoconf check` looks at that.
 */
export function dnsWarnings(context: DnsContext): DnsWarning[] {
  return runToEnd(dnsWarningSteps(context));
}

/** {@link dnsWarnings} a slice of domains at a time, for a config loaded while serving. */
export function* dnsWarningSteps(context: DnsContext): Generator<void, DnsWarning[]> {
  const warnings: DnsWarning[] = [];
  for (let i = 0; i < context.domains.length; i++) {
    if (i % DNS_DOMAINS_PER_SLICE === DNS_DOMAINS_PER_SLICE - 1) yield;
    const settings = context.domains[i] as DomainSettings;
    const seen = new Set<string>();
    const servers = [
      ...settings.incoming.map((server, index) => ({ server, path: ['incoming', index] as PathSegment[] })),
      ...settings.outgoing.map((server, index) => ({ server, path: ['outgoing', index] as PathSegment[] })),
    ];
    for (const { server, path } of servers) {
      const host = server.host;
      if (seen.has(host)) continue;
      seen.add(host);
      const webName = WEB_PREFIXES.find((prefix) => {
        const rest = host.slice(prefix.length + 1);
        return host.startsWith(`${prefix}.`) && context.servedNames.has(rest);
      });
      if (webName && host !== context.service.publicHost) {
        warnings.push({
          domain: settings,
          path: [...path, 'host'],
          message:
            `${host} is an SRV target and also the ${webName} name, which would otherwise be a CNAME to the ` +
            `public host; an SRV target must not be a CNAME (RFC 2782), so it gets A/AAAA records (from ` +
            `service.hostAddresses, else service.publicAddresses) and the ${webName} web service must answer ` +
            `on them too. Better: give the mail server another host name`,
        });
      }
      const zone = enclosingZone(host, context.servedNames);
      const fallback = webName !== undefined && context.service.publicAddresses.length > 0;
      if (zone && context.addressesOf(host).length === 0 && !fallback) {
        warnings.push({
          domain: settings,
          path: [...path, 'host'],
          message:
            `${host} is inside the zone ${zone} but has no address in service.hostAddresses: \`dns\` prints SRV ` +
            `records that point at it without its A/AAAA records, so the zone must already hold them ` +
            `(\`mail-autoconf check\` verifies that)`,
        });
      }
    }
  }
  return warnings;
}
