import type dnsPacket from 'dns-packet';
import { ROOT, type DnsRecord } from '../dns/record';
import type { ZoneRecords } from '../dns/records';
import { absolute, rdataText } from '../dns/zonefile';
import type { Lookup, QueryType } from './dns-client';
import { fail, pass, type CheckResult } from './result';

export interface Query {
  readonly name: string;
  readonly type: QueryType;
}

/** What the resolver answered, by `name type`. */
export type Observed = (name: string, type: QueryType) => Lookup | undefined;

const ADDRESS_TYPES = ['A', 'AAAA'] as const;

const zoneLine = (record: DnsRecord) =>
  `${absolute(record.name)} ${record.ttl} IN ${record.data.type} ${rdataText(record.data)}`;
const lower = (name: string) => name.toLowerCase().replace(/\.$/, '');

type DataAnswer = Exclude<dnsPacket.Answer, dnsPacket.OptAnswer>;

/** The name or address a CNAME, A or AAAA answer carries (dns-packet decodes them as text). */
const dataText = (answer: DataAnswer): string => (typeof answer.data === 'string' ? answer.data : '');

function answersOf(lookup: Lookup | undefined, type: string): DataAnswer[] {
  if (!lookup || lookup.status === 'error') return [];
  return lookup.answers.filter((answer): answer is DataAnswer => answer.type === type);
}

interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

function srvOf(answer: DataAnswer): SrvData {
  const data = (answer as { data: Partial<SrvData> }).data;
  const target = lower(data.target ?? '');
  return {
    priority: data.priority ?? 0,
    weight: data.weight ?? 0,
    port: data.port ?? 0,
    target: target === '' ? ROOT : target,
  };
}

/** The first round of queries: every owner name the config implies, the zone's MX, the public host. */
export function initialQueries(zone: ZoneRecords, publicHost: string | undefined): Query[] {
  const queries: Query[] = [{ name: zone.zone, type: 'MX' }];
  const seen = new Set<string>();
  for (const record of zone.records) {
    if (seen.has(record.name)) continue;
    seen.add(record.name);
    if (record.data.type === 'SRV') queries.push({ name: record.name, type: 'SRV' });
    else queries.push(...ADDRESS_TYPES.map((type) => ({ name: record.name, type })));
  }
  if (publicHost) queries.push(...ADDRESS_TYPES.map((type) => ({ name: publicHost, type })));
  return dedupe(queries);
}

/** Address lookups for every real SRV target found in the first round. */
export function followUpQueries(zone: ZoneRecords, observed: Observed): Query[] {
  return dedupe(
    srvTargets(zone, observed).flatMap((target) => ADDRESS_TYPES.map((type) => ({ name: target, type }))),
  );
}

function srvTargets(zone: ZoneRecords, observed: Observed): string[] {
  const owners = [...new Set(zone.records.filter((r) => r.data.type === 'SRV').map((r) => r.name))];
  const targets = owners.flatMap((owner) =>
    answersOf(observed(owner, 'SRV'), 'SRV')
      .map(srvOf)
      .map((srv) => srv.target),
  );
  return [...new Set(targets.filter((target) => target !== ROOT))];
}

function dedupe(queries: Query[]): Query[] {
  const seen = new Set<string>();
  return queries.filter((query) => {
    const key = `${query.name} ${query.type}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Compares what the resolver said with the records the config implies. */
export function checkDns(
  zone: ZoneRecords,
  publicHost: string | undefined,
  observed: Observed,
): CheckResult[] {
  const results: CheckResult[] = [];
  const owners = new Map<string, DnsRecord[]>();
  for (const record of zone.records) owners.set(record.name, [...(owners.get(record.name) ?? []), record]);
  for (const [owner, expected] of owners) {
    if (expected[0]?.data.type === 'SRV') results.push(checkSrv(owner, expected, observed(owner, 'SRV')));
    else results.push(checkHostRecords(zone, owner, expected, publicHost, observed));
  }
  // A target whose addresses the config declares was checked above, against those addresses: a
  // second line about its addresses would only repeat the first. That it is no alias still counts.
  for (const target of srvTargets(zone, observed)) {
    const result = owners.has(target) ? srvTargetAlias(target, observed) : checkSrvTarget(target, observed);
    if (result) results.push(result);
  }
  // Records the config cannot spell out (no public host, say) cannot be compared either.
  for (const missing of zone.missing.filter((m) => m.type !== 'A' && m.type !== 'AAAA'))
    results.push(
      fail(
        'dns',
        `${absolute(missing.name)} ${missing.type}`,
        `not checked: ${missing.reason}`,
        `complete the config so that \`mail-autoconf dns ${zone.zone}\` can generate it`,
        false,
      ),
    );
  results.push(checkMx(zone.zone, observed(zone.zone, 'MX')));
  return results;
}

function checkSrv(owner: string, expected: DnsRecord[], lookup: Lookup | undefined): CheckResult {
  const subject = `${absolute(owner)} SRV`;
  const publish = expected.map(zoneLine).join('  and  ');
  const wanted = expected.map((r) => r.data as SrvData).filter((srv) => srv.target !== ROOT);
  const offered = wanted.length > 0;
  const service = owner.split('.').slice(0, 2).join('.');
  if (!lookup || lookup.status === 'error')
    return fail(
      'dns',
      subject,
      `lookup failed: ${lookup?.status === 'error' ? lookup.message : 'not asked'}`,
      'check that the resolver can be reached',
      offered,
    );
  const got = answersOf(lookup, 'SRV').map(srvOf);
  const real = got.filter((srv) => srv.target !== ROOT);
  const shown = got
    .map((srv) => `${srv.priority} ${srv.weight} ${srv.port} ${absolute(srv.target)}`)
    .join(', ');

  if (!offered) {
    if (got.length === 0)
      return fail(
        'dns',
        subject,
        'no record',
        `publish ${publish} so RFC 6186 clients know ${service} is not offered`,
        false,
      );
    if (real.length === 0) return pass('dns', subject, `${shown} (not offered, as configured)`);
    return fail(
      'dns',
      subject,
      `${shown}: advertises a service the config does not offer`,
      `replace it with ${publish}`,
      false,
    );
  }
  if (got.length === 0) return fail('dns', subject, 'no record', `publish ${publish}`);
  if (real.length === 0)
    return fail(
      'dns',
      subject,
      `${shown} says "not available", but the config offers it`,
      `replace it with ${publish}`,
    );

  const problems: string[] = [];
  const key = (srv: SrvData) => `${srv.port} ${srv.target}`;
  const matched = new Set<string>();
  for (const want of wanted) {
    if (real.some((srv) => key(srv) === key(want))) {
      matched.add(key(want));
      continue;
    }
    const sameTarget = real.find(
      (srv) => srv.target === want.target && !wanted.some((w) => key(w) === key(srv)),
    );
    if (sameTarget) {
      matched.add(key(sameTarget));
      problems.push(
        `port ${sameTarget.port} where the config says ${want.port} for ${absolute(want.target)}`,
      );
    } else problems.push(`no record for ${absolute(want.target)} port ${want.port}`);
  }
  for (const srv of real)
    if (!matched.has(key(srv))) problems.push(`unexpected target ${absolute(srv.target)} port ${srv.port}`);
  if (owner.startsWith('_autodiscover.') && got.length > 1)
    problems.push(
      `${got.length} records: Thunderbird takes the lowest weight and exchangelib the highest priority, so publish exactly one`,
    );
  if (problems.length > 0)
    return fail('dns', subject, `${shown}: ${problems.join('; ')}`, `replace the records with ${publish}`);

  const order = (list: SrvData[]) =>
    [...list]
      .sort((a, b) => a.priority - b.priority)
      .map(key)
      .filter((k) => wanted.some((w) => key(w) === k));
  if (order(real).join() !== order(wanted).join())
    return fail(
      'dns',
      subject,
      `${shown}: the priorities do not follow the configured preference`,
      `use ${publish}`,
      false,
    );
  return pass('dns', subject, shown);
}

/** An SRV target must have its own addresses, not be an alias of another name. */
function srvTargetAlias(target: string, observed: Observed): CheckResult | undefined {
  const subject = `${absolute(target)} (SRV target)`;
  const lookups = ADDRESS_TYPES.map((type) => observed(target, type));
  const cname = lookups.flatMap((lookup) => answersOf(lookup, 'CNAME')).find((a) => lower(a.name) === target);
  if (!cname) return undefined;
  const alias = lower(dataText(cname));
  return fail(
    'dns',
    subject,
    `is a CNAME to ${absolute(alias)}; an SRV target must not be an alias (RFC 2782) and clients may refuse it`,
    `point the SRV records at ${absolute(alias)}, or replace the CNAME at ${absolute(target)} with A/AAAA records`,
  );
}

function checkSrvTarget(target: string, observed: Observed): CheckResult {
  const subject = `${absolute(target)} (SRV target)`;
  const lookups = ADDRESS_TYPES.map((type) => observed(target, type));
  const failed = lookups.find((lookup) => lookup?.status === 'error');
  if (failed && failed.status === 'error')
    return fail('dns', subject, `lookup failed: ${failed.message}`, 'check that the resolver can be reached');
  const aliasProblem = srvTargetAlias(target, observed);
  if (aliasProblem) return aliasProblem;
  const addresses = lookups.flatMap((lookup) => [...answersOf(lookup, 'A'), ...answersOf(lookup, 'AAAA')]);
  if (addresses.length === 0)
    return fail(
      'dns',
      subject,
      'has no A or AAAA record: clients cannot connect',
      `add A/AAAA records for ${absolute(target)}`,
    );
  return pass('dns', subject, `has addresses ${addresses.map((a) => dataText(a)).join(', ')}`);
}

function checkHostRecords(
  zone: ZoneRecords,
  owner: string,
  expected: DnsRecord[],
  publicHost: string | undefined,
  observed: Observed,
): CheckResult {
  // Every name with address records here is one clients connect to: an autoconfig/autodiscover
  // name that cannot be a CNAME, a mail server named in the config, or the public host. So every
  // failure here is essential (`fail`'s default).
  const webName = owner === `autoconfig.${zone.zone}` || owner === `autodiscover.${zone.zone}`;
  const subject = `${absolute(owner)} ${[...new Set(expected.map((r) => r.data.type))].join('/')}`;
  const publish = expected.map(zoneLine).join('  and  ');
  const lookups = ADDRESS_TYPES.map((type) => observed(owner, type));
  const failed = lookups.find((lookup) => lookup?.status === 'error');
  if (failed && failed.status === 'error')
    return fail('dns', subject, `lookup failed: ${failed.message}`, 'check that the resolver can be reached');
  const chain = lookups.flatMap((lookup) => answersOf(lookup, 'CNAME')).map((a) => lower(dataText(a)));
  const addressesAt = (list: (Lookup | undefined)[]) =>
    new Set(
      list
        .flatMap((lookup) => [...answersOf(lookup, 'A'), ...answersOf(lookup, 'AAAA')])
        .map((a) => dataText(a)),
    );
  const found = addressesAt(lookups);
  if (chain.length === 0 && found.size === 0)
    return fail(
      'dns',
      subject,
      webName ? 'no record' : 'no A or AAAA record: clients cannot connect',
      `publish ${publish}`,
    );

  const wantCname = expected.find((r) => r.data.type === 'CNAME');
  if (wantCname && wantCname.data.type === 'CNAME') {
    const target = wantCname.data.target;
    if (chain.includes(target)) return pass('dns', subject, `CNAME to ${absolute(target)}`);
    const hostAddresses = addressesAt(ADDRESS_TYPES.map((type) => observed(target, type)));
    const same = [...found].some((address) => hostAddresses.has(address));
    if (chain.length === 0 && same)
      return pass('dns', subject, `A/AAAA ${[...found].join(', ')}, the addresses of ${absolute(target)}`);
    const seen =
      chain.length > 0 ? `CNAME to ${absolute(chain[0] as string)}` : `addresses ${[...found].join(', ')}`;
    return fail(
      'dns',
      subject,
      `${seen}, not ${publicHost === undefined ? 'this service' : absolute(target)}`,
      `replace it with ${publish}`,
    );
  }
  const want = new Set(
    expected.map((r) => (r.data.type === 'A' || r.data.type === 'AAAA' ? r.data.address : '')),
  );
  const same = want.size === found.size && [...want].every((address) => found.has(address));
  if (same) return pass('dns', subject, [...found].join(', '));
  return fail(
    'dns',
    subject,
    `addresses ${[...found].join(', ') || 'none'} where the config says ${[...want].join(', ')}`,
    `publish ${publish}, or correct the addresses in the config`,
    webName,
  );
}

function checkMx(zone: string, lookup: Lookup | undefined): CheckResult {
  const subject = `${absolute(zone)} MX`;
  const mx = answersOf(lookup, 'MX').map((a) => a.data as { preference?: number; exchange: string });
  if (mx.length > 0)
    return pass(
      'dns',
      subject,
      mx.map((m) => `${m.preference ?? 0} ${absolute(lower(m.exchange))}`).join(', '),
    );
  const why = lookup?.status === 'error' ? `lookup failed: ${lookup.message}` : 'no record';
  return fail(
    'dns',
    subject,
    `${why}: mail for ${zone} is not delivered, and Thunderbird's MX-based lookup finds nothing`,
    `publish the MX records of your mail exchanger`,
    false,
  );
}
