import { runToEnd } from '../core/steps';
import { settingsForName } from '../core/domain-template';
import type {
  DomainSettings,
  MailProtocol,
  ServerSettings,
  ServerType,
  ServiceSettings,
} from '../core/settings';
import {
  fieldProblem,
  ROOT,
  wireProblems,
  type DnsRecord,
  type MissingRecord,
  type RecordData,
} from './record';

/** The records of one zone: a configured domain or one of its aliases. */
export interface ZoneRecords {
  /** The zone apex these records belong under. */
  readonly zone: string;
  /** The configured domain whose settings they come from (differs from `zone` for an alias). */
  readonly domain: string;
  readonly ttl: number;
  readonly records: readonly DnsRecord[];
  /** Records the config implies that could not be generated, with the reason. */
  readonly missing: readonly MissingRecord[];
  /** Explanations for the admin, printed as zone comments. */
  readonly notes: readonly string[];
}

/** SRV service labels by protocol and TLS mode (protocols.md §3.2, RFC 6186 and RFC 8314). */
export const SRV_LABELS = {
  smtp: { implicit: '_submissions._tcp', starttls: '_submission._tcp' },
  imap: { implicit: '_imaps._tcp', starttls: '_imap._tcp' },
  pop3: { implicit: '_pop3s._tcp', starttls: '_pop3._tcp' },
} as const satisfies Record<MailProtocol, { implicit: string; starttls: string }>;

const SRV_LABEL_ORDER: readonly string[] = Object.values(SRV_LABELS).flatMap((l) => [l.implicit, l.starttls]);
const PROTOCOL_NAMES: Record<ServerType, string> = {
  smtp: 'SMTP submission',
  imap: 'IMAP',
  pop3: 'POP3',
  exchange: 'Exchange',
};
export const AUTODISCOVER_SRV = '_autodiscover._tcp';
export const HTTPS_PORT = 443;
/** Gap between priorities so an admin can slot a record in between by hand. */
const PRIORITY_STEP = 10;

export function srvLabel(server: { type: MailProtocol; security: ServerSettings['security'] }): string {
  return SRV_LABELS[server.type][server.security === 'tls' ? 'implicit' : 'starttls'];
}

/** True when `name` is `zone` or below it. */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** Domains handled between two yields of the sliced builders below. */
export const DNS_DOMAINS_PER_SLICE = 5_000;

interface DnsIndex {
  readonly servedNames: ReadonlySet<string>;
  readonly noCnameNames: ReadonlySet<string>;
  readonly hostsByZone: ReadonlyMap<string, Map<string, Set<string>>>;
}

function* indexSteps(
  domains: readonly DomainSettings[],
  service: ServiceSettings,
): Generator<void, DnsIndex> {
  const served = new Set<string>();
  const noCname = new Set<string>();
  const hostsByZone = new Map<string, Map<string, Set<string>>>();
  for (let i = 0; i < domains.length; i++) {
    const settings = domains[i] as DomainSettings;
    for (const name of [settings.domain, ...settings.aliases]) {
      served.add(name);
      noCname.add(name);
    }
    if (i % DNS_DOMAINS_PER_SLICE === DNS_DOMAINS_PER_SLICE - 1) yield;
  }
  const place = (host: string, role: string) => {
    noCname.add(host);
    const zone = enclosingZone(host, served);
    if (zone === undefined) return;
    const hosts = hostsByZone.get(zone) ?? new Map<string, Set<string>>();
    hostsByZone.set(zone, hosts.set(host, (hosts.get(host) ?? new Set()).add(role)));
  };
  for (let i = 0; i < domains.length; i++) {
    const entry = domains[i] as DomainSettings;
    for (const name of entry.templates ? [entry.domain, ...entry.aliases] : [entry.domain]) {
      const settings = settingsForName(entry, name);
      for (const server of [...settings.incoming, ...settings.outgoing])
        place(server.host, PROTOCOL_NAMES[server.type]);
    }
    if (i % DNS_DOMAINS_PER_SLICE === DNS_DOMAINS_PER_SLICE - 1) yield;
  }
  if (service.publicHost) place(service.publicHost, 'autoconfig/Autodiscover web service');
  return { servedNames: served, noCnameNames: noCname, hostsByZone };
}

/**
 * What the generator knows across the whole config, computed once per load: which names are SRV
 * targets or zone apexes (so cannot be CNAMEs) and which addresses were declared.
 */
export class DnsContext {
  /** Names that must hold address records themselves: SRV targets and the apex of every served zone. */
  readonly noCnameNames: ReadonlySet<string>;
  readonly servedNames: ReadonlySet<string>;
  /**
   * The hosts that belong in each served zone (the closest enclosing one), whichever domain names
   * them: a hoster's own domain holds the addresses of the servers all its customers use.
   */
  private readonly hostsByZone: ReadonlyMap<string, Map<string, Set<string>>>;

  constructor(
    readonly domains: readonly DomainSettings[],
    readonly service: ServiceSettings,
    index: DnsIndex = runToEnd(indexSteps(domains, service)),
  ) {
    this.servedNames = index.servedNames;
    this.noCnameNames = index.noCnameNames;
    this.hostsByZone = index.hostsByZone;
  }

  /**
   * The same view built a slice of domains at a time (a yield after each), for a config loaded
   * while the server answers: over 100,000 domains in one go it held the event loop ~0.2 s.
   */
  static *inSlices(
    domains: readonly DomainSettings[],
    service: ServiceSettings,
  ): Generator<void, DnsContext> {
    return new DnsContext(domains, service, yield* indexSteps(domains, service));
  }

  /** The hosts inside `zone` that the config names, with what they serve. */
  hostsIn(zone: string): ReadonlyMap<string, ReadonlySet<string>> {
    return this.hostsByZone.get(zone) ?? new Map();
  }

  /** Addresses we know for a host: declared in hostAddresses, or publicAddresses for publicHost. */
  addressesOf(host: string): readonly string[] {
    const declared = this.service.hostAddresses.get(host);
    if (declared) return declared;
    return host === this.service.publicHost ? this.service.publicAddresses : [];
  }
}

/** The served zone a host name lies in, found by walking up its labels (no scan of all domains). */
export function enclosingZone(host: string, served: ReadonlySet<string>): string | undefined {
  for (let name = host; name.includes('.'); name = name.slice(name.indexOf('.') + 1)) {
    if (served.has(name)) return name;
  }
  return undefined;
}

/** The records for a domain and each of its aliases, one zone each. */
export function domainZones(settings: DomainSettings, context: DnsContext, ttl?: number): ZoneRecords[] {
  // SRV targets are literal: a templated host is filled in with each zone's own name.
  return [settings.domain, ...settings.aliases].map((zone) =>
    zoneRecords(settingsForName(settings, zone), zone, context, ttl),
  );
}

function zoneRecords(
  settings: DomainSettings,
  zone: string,
  context: DnsContext,
  ttlOverride: number | undefined,
): ZoneRecords {
  const ttl = ttlOverride ?? context.service.dnsTtl;
  const { publicHost } = context.service;
  const records: DnsRecord[] = [];
  const missing: MissingRecord[] = [];
  const notes: string[] = [];
  const add = (name: string, data: RecordData, purpose: string) => {
    const record = { name, ttl, data, purpose };
    const problem = fieldProblem(record);
    if (problem) missing.push({ name, type: data.type, reason: problem });
    else if (!records.some((r) => r.name === name && JSON.stringify(r.data) === JSON.stringify(data)))
      records.push(record);
  };
  const addAddresses = (name: string, addresses: readonly string[], purpose: string) => {
    for (const address of addresses)
      add(name, { type: address.includes(':') ? 'AAAA' : 'A', address }, purpose);
  };

  // Address records for the hosts the config names that live inside this zone.
  const inZoneHosts = [...context.hostsIn(zone).keys()];
  for (const [host, serves] of context.hostsIn(zone)) {
    const roles = [...serves];
    const isWebName = host === `autoconfig.${zone}` || host === `autodiscover.${zone}`;
    if (isWebName) roles.push(host.startsWith('autoconfig.') ? 'autoconfig' : 'Autodiscover');
    const known = context.addressesOf(host);
    // A mail host that is also our autoconfig./autodiscover. name cannot be a CNAME to the public
    // host, so it takes the public host's addresses unless the admin gave it its own.
    const addresses = known.length === 0 && isWebName ? context.service.publicAddresses : known;
    if (addresses.length > 0) {
      addAddresses(host, addresses, `address of the ${roles.join(' and ')} host`);
    } else {
      missing.push({
        name: host,
        type: 'A',
        reason: `no address is configured for this ${roles.join(' and ')} host (service.${host === publicHost ? 'publicAddresses' : 'hostAddresses'}); the zone must already have its A/AAAA records`,
      });
    }
  }

  // autoconfig.<zone> and autodiscover.<zone>: CNAMEs to the public host where a CNAME may stand.
  const webNames = [
    {
      name: `autoconfig.${zone}`,
      purpose: `Thunderbird, K-9, Evolution, KMail: GET https://autoconfig.${zone}/mail/config-v1.1.xml`,
    },
    {
      name: `autodiscover.${zone}`,
      purpose: `Outlook, Thunderbird: POST https://autodiscover.${zone}/autodiscover/autodiscover.xml`,
    },
  ];
  for (const { name, purpose } of webNames) {
    if (inZoneHosts.includes(name)) continue; // its address records are already printed above
    const canBeCname = publicHost !== undefined && name !== publicHost && !context.noCnameNames.has(name);
    if (canBeCname) {
      add(name, { type: 'CNAME', target: publicHost }, purpose);
      continue;
    }
    const addresses =
      context.addressesOf(name).length > 0 ? context.addressesOf(name) : context.service.publicAddresses;
    const why =
      publicHost === undefined
        ? 'service.publicHost is not set'
        : name === publicHost
          ? 'it is the public host itself'
          : 'it is also a mail server (an SRV target) or a zone apex, which cannot be a CNAME';
    if (addresses.length > 0) {
      addAddresses(name, addresses, `${purpose} (A/AAAA, not a CNAME: ${why})`);
    } else {
      missing.push({
        name,
        type: 'CNAME',
        reason:
          publicHost === undefined
            ? `${why}: set it to get a CNAME, or set service.publicAddresses to get A/AAAA records`
            : `${why}: set service.publicAddresses to get A/AAAA records`,
      });
    }
  }

  // RFC 6186 / RFC 8314 SRV records, in configured preference order, implicit TLS first; printed
  // in the label order of protocols.md §3.5.
  const srv: DnsRecord[] = [];
  const addSrv = (name: string, data: RecordData, purpose: string) => srv.push({ name, ttl, data, purpose });
  addServiceRecords(settings.outgoing, ['smtp'], zone, addSrv);
  addServiceRecords(settings.incoming, ['imap', 'pop3'], zone, addSrv);
  const labelOrder = (record: DnsRecord) => SRV_LABEL_ORDER.indexOf(record.name.slice(0, -zone.length - 1));
  for (const record of srv.sort((a, b) => labelOrder(a) - labelOrder(b)))
    add(record.name, record.data, record.purpose);

  // Exactly one _autodiscover._tcp (protocols.md §3.3).
  const autodiscoverName = `${AUTODISCOVER_SRV}.${zone}`;
  if (publicHost === undefined) {
    missing.push({
      name: autodiscoverName,
      type: 'SRV',
      reason: 'service.publicHost is not set: the SRV target must be the host name this service answers on',
    });
  } else {
    add(
      autodiscoverName,
      { type: 'SRV', priority: 0, weight: 0, port: HTTPS_PORT, target: publicHost },
      `Outlook, Thunderbird, exchangelib: POST https://${publicHost}/autodiscover/autodiscover.xml` +
        (isInZone(publicHost, zone) ? '' : ` (Thunderbird asks the user first: target outside ${zone})`),
    );
  }

  notes.push(
    `Clients also try the apex ${zone}. (paths /.well-known/autoconfig/mail/config-v1.1.xml and ` +
      `/autodiscover/autodiscover.xml). An apex cannot be a CNAME, so nothing is generated for it: have ` +
      `its web server pass those paths to ${publicHost ?? 'this service'} or answer 404 quickly.`,
  );
  const outside = [
    ...new Set(
      srv
        .map((record) => (record.data.type === 'SRV' ? record.data.target : ROOT))
        .filter((target) => target !== ROOT && !isInZone(target, zone)),
    ),
  ];
  if (outside.length > 0)
    notes.push(
      `SRV targets outside ${zone} (${outside.join(', ')}): clients verify the server certificate ` +
        `against the target name (RFC 6186, RFC 6125), and some ask the user before trusting a server ` +
        `outside the mail domain.`,
    );
  if (publicHost === undefined)
    notes.push(
      'service.publicHost is not set, so the autoconfig./autodiscover. CNAMEs and the _autodiscover._tcp SRV record cannot be generated.',
    );
  const wire = wireProblems(records);
  wire.forEach((problem, index) => {
    const record = records[index] as DnsRecord;
    if (problem) missing.push({ name: record.name, type: record.data.type, reason: problem });
  });
  return {
    zone,
    domain: settings.domain,
    ttl,
    records: records.filter((_, index) => !wire[index]),
    missing,
    notes,
  };
}

function addServiceRecords(
  servers: readonly ServerSettings[],
  types: readonly ServerType[],
  zone: string,
  add: (name: string, data: RecordData, purpose: string) => void,
): void {
  const offered = new Set<string>();
  const seen = new Set<string>();
  let rank = 0;
  for (const server of preferenceOrder(servers)) {
    // RFC 6186 has no label for Exchange; Outlook finds it through _autodiscover._tcp.
    if (server.type === 'exchange') continue;
    const label = srvLabel({ type: server.type, security: server.security });
    const key = `${label} ${server.host} ${server.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    offered.add(label);
    const tls =
      server.security === 'tls' ? 'implicit TLS' : server.security === 'starttls' ? 'STARTTLS' : 'no TLS';
    add(
      `${label}.${zone}`,
      { type: 'SRV', priority: rank * PRIORITY_STEP, weight: 1, port: server.port, target: server.host },
      `${PROTOCOL_NAMES[server.type]}, ${tls}, for clients that read RFC 6186 SRV records`,
    );
    rank += 1;
  }
  for (const type of types) {
    if (type === 'exchange') continue;
    for (const mode of ['implicit', 'starttls'] as const) {
      const label = SRV_LABELS[type][mode];
      if (offered.has(label)) continue;
      add(
        `${label}.${zone}`,
        { type: 'SRV', priority: 0, weight: 0, port: 0, target: ROOT },
        `${PROTOCOL_NAMES[type]}${mode === 'implicit' ? ' over implicit TLS' : ' with STARTTLS'} is not offered: RFC 6186 clients skip it`,
      );
    }
  }
}

/**
 * The configured order, except that within one protocol implicit TLS moves ahead of STARTTLS
 * (RFC 8314 §5.1 asks for the lower priority number) while each protocol keeps the places it
 * has in the list, so IMAP-before-POP3 preference survives.
 */
export function preferenceOrder(servers: readonly ServerSettings[]): ServerSettings[] {
  const queues = new Map<ServerType, ServerSettings[]>();
  for (const server of servers) queues.set(server.type, [...(queues.get(server.type) ?? []), server]);
  for (const queue of queues.values())
    queue.sort((a, b) => Number(a.security !== 'tls') - Number(b.security !== 'tls'));
  return servers.map((server) => (queues.get(server.type) as ServerSettings[]).shift() as ServerSettings);
}
