import dnsPacket from 'dns-packet';
import { DnsContext, domainZones, preferenceOrder, type ZoneRecords } from '../../../src/dns/records';
import { fromPacketAnswer, recordKey, recordProblem, toPacketAnswer } from '../../../src/dns/record';
import { dnsWarningSteps, dnsWarnings } from '../../../src/dns/warnings';
import { formatZones } from '../../../src/dns/zonefile';
import { exampleSnapshot, loadInline } from '../../helpers/example';
import { namedCheckzone, zoneSections } from '../../helpers/named-checkzone';

const SERVICE =
  'service: { publicHost: autoconfig.provider.example, publicAddresses: [192.0.2.10, 2001:db8::10] }\n';

function load(files: Record<string, string>) {
  const config = loadInline(files);
  const context = new DnsContext(config.domains, config.service);
  const zones = (domain: string): ZoneRecords[] => {
    const settings = config.domains.find((d) => d.domain === domain);
    if (!settings) throw new Error(`${domain} not loaded`);
    return domainZones(settings, context);
  };
  return { zones, warnings: config.warnings.map((w) => `${w.path}: ${w.message}`) };
}

const lines = (zone: ZoneRecords | undefined, type?: string) =>
  (zone?.records ?? [])
    .filter((r) => type === undefined || r.data.type === type)
    .map((r) => `${r.name} ${r.data.type} ${Object.values(r.data).slice(1).join(' ')}`);

const IMAP_SMTP = `
incoming: [{ type: imap, host: imap.provider.example, security: tls }]
outgoing: [{ type: smtp, host: smtp.provider.example, security: tls }]
`;

describe('DNS records from config', () => {
  it('every record of the example zones survives a dns-packet encode/decode round trip', async () => {
    const snapshot = await exampleSnapshot();
    const records = snapshot.domains.flatMap((d) => domainZones(d, snapshot.dns)).flatMap((z) => z.records);
    expect(records.length).toBeGreaterThan(20);
    const wire = dnsPacket.encode({ type: 'response', id: 7, answers: records.map(toPacketAnswer) });
    expect(dnsPacket.decode(wire).answers?.map(fromPacketAnswer)).toEqual(records.map(recordKey));
  });

  it('follows the preference order, with implicit TLS ahead of STARTTLS within a protocol (RFC 8314)', () => {
    const { zones } = load({
      's.yaml': SERVICE,
      'd.yaml': `domain: pref.example
incoming:
  - { type: pop3, host: mail.provider.example, security: starttls }
  - { type: imap, host: mail.provider.example, security: starttls }
  - { type: imap, host: mail.provider.example, security: tls }
outgoing:
  - { type: smtp, host: mail.provider.example, security: starttls }
  - { type: smtp, host: mail.provider.example, security: tls }
`,
    });
    expect(lines(zones('pref.example')[0], 'SRV')).toEqual([
      '_submissions._tcp.pref.example SRV 0 1 465 mail.provider.example',
      '_submission._tcp.pref.example SRV 10 1 587 mail.provider.example',
      '_imaps._tcp.pref.example SRV 10 1 993 mail.provider.example',
      '_imap._tcp.pref.example SRV 20 1 143 mail.provider.example',
      '_pop3s._tcp.pref.example SRV 0 0 0 .',
      '_pop3._tcp.pref.example SRV 0 1 110 mail.provider.example',
      '_autodiscover._tcp.pref.example SRV 0 0 443 autoconfig.provider.example',
    ]);
  });

  it('keeps each protocol in its configured places when reordering for TLS', () => {
    const order = preferenceOrder([
      { type: 'imap', host: 'a', port: 143, security: 'starttls', auth: [], username: '' },
      { type: 'pop3', host: 'b', port: 995, security: 'tls', auth: [], username: '' },
      { type: 'imap', host: 'c', port: 993, security: 'tls', auth: [], username: '' },
    ]);
    expect(order.map((s) => s.host)).toEqual(['c', 'b', 'a']);
  });

  it('without publicHost, says which records cannot be generated and why', () => {
    const { zones } = load({ 'd.yaml': `domain: bare.example${IMAP_SMTP}` });
    const zone = zones('bare.example')[0]!;
    expect(lines(zone, 'CNAME')).toEqual([]);
    expect(zone.missing.map((m) => `${m.name} ${m.type}`)).toEqual([
      'autoconfig.bare.example CNAME',
      'autodiscover.bare.example CNAME',
      '_autodiscover._tcp.bare.example SRV',
    ]);
    expect(zone.missing[0]!.reason).toContain('service.publicHost is not set');
    expect(zone.notes.join(' ')).toContain('service.publicHost is not set');
    expect(lines(zone, 'SRV')).toHaveLength(6);
  });

  it('uses publicAddresses where a CNAME cannot stand: the public host itself', () => {
    const { zones } = load({
      's.yaml':
        'service: { publicHost: autoconfig.self.example, publicAddresses: [192.0.2.10, 2001:DB8:0::10] }\n',
      'd.yaml': `domain: self.example${IMAP_SMTP}`,
    });
    const zone = zones('self.example')[0]!;
    expect(lines(zone).filter((l) => l.startsWith('autoconfig.') || l.startsWith('autodiscover.'))).toEqual([
      'autoconfig.self.example A 192.0.2.10',
      'autoconfig.self.example AAAA 2001:db8::10',
      'autodiscover.self.example CNAME autoconfig.self.example',
    ]);
    const section = zoneSections(formatZones(zones('self.example'))).get('self.example') as string;
    expect(namedCheckzone('self.example', section)).toMatchObject({ ok: true });
  });

  it('a mail host named autodiscover.<domain> gets addresses, not a CNAME, and a warning', () => {
    const { zones, warnings } = load({
      's.yaml': SERVICE,
      'd.yaml': `domain: clash.example
incoming: [{ type: imap, host: autodiscover.clash.example, security: tls }]
outgoing: [{ type: smtp, host: autodiscover.clash.example, security: tls }]
`,
    });
    const zone = zones('clash.example')[0]!;
    expect(lines(zone, 'CNAME')).toEqual(['autoconfig.clash.example CNAME autoconfig.provider.example']);
    expect(lines(zone, 'A')).toEqual(['autodiscover.clash.example A 192.0.2.10']);
    expect(warnings.join('\n')).toContain(
      'incoming[0].host: autodiscover.clash.example is an SRV target and also the autodiscover name',
    );
    const section = zoneSections(formatZones([zone])).get('clash.example') as string;
    expect(namedCheckzone('clash.example', section)).toMatchObject({ ok: true });
  });

  it('warns about a mail host inside the zone with no known address, which named-checkzone rejects', () => {
    const { zones, warnings } = load({
      's.yaml': SERVICE,
      'd.yaml': `domain: inzone.example
incoming: [{ type: imap, host: imap.inzone.example, security: tls }]
outgoing: [{ type: smtp, host: smtp.provider.example, security: tls }]
`,
    });
    expect(warnings).toEqual([
      expect.stringContaining(
        'incoming[0].host: imap.inzone.example is inside the zone inzone.example but has no address',
      ),
    ]);
    const zone = zones('inzone.example')[0]!;
    expect(zone.missing.map((m) => `${m.name} ${m.type}`)).toEqual(['imap.inzone.example A']);
    const check = namedCheckzone('inzone.example', zoneSections(formatZones([zone])).get('inzone.example')!);
    expect(check.ok).toBe(false);
    expect(check.output).toContain("'imap.inzone.example' has no address records");
  });

  it("prints a shared mail host's addresses in the served zone it belongs to, whichever domain uses it", () => {
    const { zones, warnings } = load({
      's.yaml': `service:
  publicHost: autoconfig.hoster.example
  hostAddresses: { imap.hoster.example: [192.0.2.25], smtp.hoster.example: [192.0.2.26] }
`,
      'd.yaml': `profiles:
  platform:
    incoming: [{ type: imap, host: imap.hoster.example, security: tls }]
    outgoing: [{ type: smtp, host: smtp.hoster.example, security: tls }]
domains:
  - { domain: hoster.example, extends: platform }
  - { domain: customer.example, extends: platform }
`,
    });
    expect(warnings).toEqual([]);
    expect(lines(zones('hoster.example')[0]).filter((l) => / A{1,4} /.test(l))).toEqual([
      'imap.hoster.example A 192.0.2.25',
      'smtp.hoster.example A 192.0.2.26',
    ]);
    expect(lines(zones('customer.example')[0]).filter((l) => / A{1,4} /.test(l))).toEqual([]);
    expect(zones('hoster.example')[0]!.missing.map((m) => m.name)).toEqual(['autoconfig.hoster.example']);
  });

  it('warns about implicit TLS on a port no client expects', () => {
    const { warnings } = load({
      's.yaml': SERVICE,
      'd.yaml': `domain: port.example
incoming: [{ type: imap, host: imap.provider.example, port: 9993, security: tls }]
outgoing: [{ type: smtp, host: smtp.provider.example, security: tls }]
`,
    });
    expect(warnings).toEqual([
      expect.stringContaining('incoming[0].port: implicit TLS on port 9993, where no client expects IMAP'),
    ]);
  });

  it('never prints a record whose name is over 253 characters: it is reported as not generated', () => {
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(50)}.example`;
    const { zones } = load({ 's.yaml': SERVICE, 'd.yaml': `domain: ${long}${IMAP_SMTP}` });
    const zone = zones(long)[0]!;
    expect(zone.records.every((r) => r.name.length <= 253)).toBe(true);
    expect(zone.missing.find((m) => m.name === `_submissions._tcp.${long}`)?.reason).toMatch(
      /over the DNS limit of 253/,
    );
    expect(formatZones([zone])).not.toMatch(/^_submissions/m);
  });

  it.each([
    [{ name: 'x.example', ttl: -1, data: { type: 'A', address: '192.0.2.1' } }, 'TTL -1'],
    [{ name: `${'a'.repeat(64)}.example`, ttl: 1, data: { type: 'A', address: '192.0.2.1' } }, 'limit of 63'],
    [
      {
        name: '_imaps._tcp.x.example',
        ttl: 1,
        data: { type: 'SRV', priority: 0, weight: 0, port: 70000, target: 'a.example' },
      },
      'port 70000',
    ],
    [{ name: 'x.example', ttl: 1, data: { type: 'A', address: '192.0.2.999' } }, 'round trip|encodable'],
  ] as const)('recordProblem rejects %j', (record, message) => {
    expect(recordProblem({ ...record, purpose: '' })).toMatch(new RegExp(message));
  });
});

describe('the DNS view built in slices (for a config loaded while serving)', () => {
  const config = loadInline({
    'a.yaml': `${SERVICE}domains:\n  - domain: provider.example\n    ${IMAP_SMTP.trim().replaceAll('\n', '\n    ')}\n`,
  });
  const base = config.domains[0]!;
  // Many customers on the provider's servers, a few with a host inside their own zone.
  const domains = Array.from({ length: 12_000 }, (_, i) =>
    i % 1000 === 0
      ? {
          ...base,
          domain: `c${i}.example`,
          incoming: base.incoming.map((server) => ({ ...server, host: `mail.c${i}.example` })),
        }
      : { ...base, domain: `c${i}.example` },
  ) as typeof config.domains;

  it('pauses between slices and ends with the same view and the same warnings', () => {
    const steps = DnsContext.inSlices(domains, config.service);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    const sliced = step.value;
    const whole = new DnsContext(domains, config.service);
    expect(pauses).toBeGreaterThanOrEqual(4);
    expect([...sliced.servedNames]).toEqual([...whole.servedNames]);
    expect([...sliced.noCnameNames]).toEqual([...whole.noCnameNames]);
    expect(sliced.hostsIn('c1000.example')).toEqual(whole.hostsIn('c1000.example'));
    expect(sliced.hostsIn('c1000.example').size).toBe(1);

    const warningSteps = dnsWarningSteps(sliced);
    let warningPauses = 0;
    let warned = warningSteps.next();
    for (; !warned.done; warned = warningSteps.next()) warningPauses++;
    expect(warningPauses).toBeGreaterThanOrEqual(2);
    expect(warned.value).toEqual(dnsWarnings(whole));
    expect(warned.value).toHaveLength(12);
  });
});
