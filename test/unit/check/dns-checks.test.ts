import type { Lookup, QueryType } from '../../../src/check/dns-client';
import { checkDns } from '../../../src/check/dns-checks';
import { DnsContext, domainZones } from '../../../src/dns/records';
import { toPacketAnswer } from '../../../src/dns/record';
import { loadInline } from '../../helpers/example';

/** The pure comparison: resolver answers as data in, one result per check out. */
function zoneOf(service: string) {
  const config = loadInline({
    's.yaml': service,
    'd.yaml': `domain: shop.example
incoming:
  - { type: imap, host: imap.provider.example, security: tls }
  - { type: imap, host: imap2.provider.example, security: tls }
outgoing: [{ type: smtp, host: smtp.provider.example, security: tls }]
`,
  });
  return domainZones(config.domains[0]!, new DnsContext(config.domains, config.service))[0]!;
}

/**
 * A resolver view built from the generated records (a CNAME comes with any query for its name, as
 * from a recursive resolver), with `change` applied per owner and type.
 */
function observedFrom(
  zone: ReturnType<typeof zoneOf>,
  change: (name: string, type: QueryType, lookup: Lookup) => Lookup = (_n, _t, l) => l,
) {
  return (name: string, type: QueryType): Lookup => {
    const answers = zone.records
      .filter((r) => r.name === name && (r.data.type === type || r.data.type === 'CNAME'))
      .map(toPacketAnswer);
    const addresses =
      type === 'A' && name.endsWith('.provider.example')
        ? [{ name, type: 'A' as const, ttl: 1, data: '192.0.2.1' }]
        : [];
    const all = [...answers, ...addresses];
    return change(
      name,
      type,
      all.length > 0 ? { status: 'ok', answers: all } : { status: 'nodata', answers: [] },
    );
  };
}

const SERVICE = 'service: { publicHost: autoconfig.provider.example }\n';

describe('checkDns', () => {
  it('passes the generated records', () => {
    const zone = zoneOf(SERVICE);
    const results = checkDns(zone, 'autoconfig.provider.example', observedFrom(zone));
    expect(results.filter((r) => !r.ok).map((r) => r.subject)).toEqual(['shop.example. MX']);
  });

  it('reports priorities that invert the configured preference as a minor problem', () => {
    const zone = zoneOf(SERVICE);
    const observed = observedFrom(zone, (name, type, lookup) => {
      if (name !== '_imaps._tcp.shop.example' || lookup.status === 'error') return lookup;
      return {
        ...lookup,
        answers: lookup.answers.map((a) =>
          a.type === 'SRV'
            ? { ...a, data: { ...a.data, priority: a.data.target === 'imap.provider.example' ? 20 : 0 } }
            : a,
        ),
      };
    });
    const result = checkDns(zone, 'autoconfig.provider.example', observed).find((r) =>
      r.subject.startsWith('_imaps'),
    );
    expect(result).toMatchObject({ ok: false, essential: false });
    expect(result?.message).toContain('the priorities do not follow the configured preference');
  });

  it('reports more than one _autodiscover record', () => {
    const zone = zoneOf(SERVICE);
    const observed = observedFrom(zone, (name, _type, lookup) =>
      name === '_autodiscover._tcp.shop.example' && lookup.status === 'ok'
        ? {
            ...lookup,
            answers: [
              ...lookup.answers,
              {
                ...lookup.answers[0]!,
                data: { priority: 10, weight: 0, port: 443, target: 'other.provider.example' },
              } as never,
            ],
          }
        : lookup,
    );
    const result = checkDns(zone, 'autoconfig.provider.example', observed).find((r) =>
      r.subject.startsWith('_autodiscover'),
    );
    expect(result).toMatchObject({ ok: false, essential: true });
    expect(result?.message).toContain(
      '2 records: Thunderbird takes the lowest weight and exchangelib the highest priority',
    );
  });

  it('says which records it cannot check when the config has no public host', () => {
    const zone = zoneOf('service: { dnsTtl: 300 }\n');
    const results = checkDns(zone, undefined, observedFrom(zone));
    expect(
      results.filter((r) => r.message.startsWith('not checked')).map((r) => `${r.subject}: ${r.essential}`),
    ).toEqual([
      'autoconfig.shop.example. CNAME: false',
      'autodiscover.shop.example. CNAME: false',
      '_autodiscover._tcp.shop.example. SRV: false',
    ]);
  });

  it('reports a lookup error as a failure a client needs', () => {
    const zone = zoneOf(SERVICE);
    const results = checkDns(zone, 'autoconfig.provider.example', () => ({
      status: 'error',
      message: 'no answer',
    }));
    const imaps = results.find((r) => r.subject.startsWith('_imaps'));
    expect(imaps).toMatchObject({ ok: false, essential: true, message: 'lookup failed: no answer' });
  });
});
