import dnsPacket from 'dns-packet';

/** RDATA of the record types the generator publishes. Names are absolute, without trailing dot. */
export type RecordData =
  | {
      readonly type: 'SRV';
      readonly priority: number;
      readonly weight: number;
      readonly port: number;
      /** `.` means "service decidedly not available" (RFC 2782). */
      readonly target: string;
    }
  | { readonly type: 'CNAME'; readonly target: string }
  | { readonly type: 'A' | 'AAAA'; readonly address: string };

export interface DnsRecord {
  /** Absolute owner name, lower case, without the trailing dot. */
  readonly name: string;
  readonly ttl: number;
  readonly data: RecordData;
  /** Which clients read this record and why it looks the way it does; printed as its comment. */
  readonly purpose: string;
}

/** A record the config implies but that cannot be generated, and why. */
export interface MissingRecord {
  readonly name: string;
  readonly type: RecordData['type'];
  readonly reason: string;
}

export const ROOT = '.';
const MAX_NAME = 253;
const MAX_LABEL = 63;
const MAX_TTL = 2147483647;
const MAX_U16 = 65535;

/** RFC 1035 limits on a name in text form: 253 characters, labels of 1–63 bytes. */
export function nameProblem(name: string): string | undefined {
  if (name === ROOT) return undefined;
  if (name.length === 0) return 'empty name';
  if (name.length > MAX_NAME)
    return `name is ${name.length} characters long, over the DNS limit of ${MAX_NAME}`;
  for (const label of name.split('.')) {
    if (label.length === 0) return 'name has an empty label';
    if (Buffer.byteLength(label) > MAX_LABEL)
      return `label "${label.slice(0, 20)}…" is over the DNS limit of ${MAX_LABEL} bytes`;
  }
  return undefined;
}

const inU16 = (value: number) => Number.isInteger(value) && value >= 0 && value <= MAX_U16;

/**
 * Why a record must not be printed, or undefined when it is valid. Besides the limits checked by
 * hand, the record is encoded to wire format and decoded again with dns-packet, so anything the
 * text form could hide (a name that does not survive the round trip, a malformed address) shows.
 */
export function recordProblem(record: DnsRecord): string | undefined {
  return fieldProblem(record) ?? wireProblems([record])[0];
}

/** The limits of RFC 1035 / RFC 2782 checked field by field. */
export function fieldProblem(record: DnsRecord): string | undefined {
  const owner = nameProblem(record.name);
  if (owner) return owner;
  if (!Number.isInteger(record.ttl) || record.ttl < 0 || record.ttl > MAX_TTL)
    return `TTL ${record.ttl} is outside 0..${MAX_TTL}`;
  const data = record.data;
  if (data.type === 'SRV') {
    for (const field of ['priority', 'weight', 'port'] as const)
      if (!inU16(data[field])) return `SRV ${field} ${data[field]} is outside 0..${MAX_U16}`;
    if (data.target === ROOT && data.port !== 0) return 'an SRV record with target "." must have port 0';
    if (data.target !== ROOT && data.port === 0) return 'an SRV record for a real host needs a port';
  }
  if (data.type === 'SRV' || data.type === 'CNAME') {
    const target = nameProblem(data.target);
    if (target) return `target: ${target}`;
  }
  return undefined;
}

/**
 * The wire-format round trip for many records at once: one packet for the lot (a zone's worth is
 * far below the 64 KiB message limit), and record by record only when that packet fails, to say
 * which one is at fault. The result has one entry per record, undefined when it is fine.
 */
export function wireProblems(records: readonly DnsRecord[]): (string | undefined)[] {
  if (records.length > 1 && roundTrip(records) === undefined) return records.map(() => undefined);
  if (records.length > 1) return records.map((record) => roundTrip([record]));
  return [roundTrip(records)];
}

function roundTrip(records: readonly DnsRecord[]): string | undefined {
  let decoded: dnsPacket.Answer[] | undefined;
  try {
    decoded = dnsPacket.decode(
      dnsPacket.encode({ type: 'response', answers: records.map(toPacketAnswer) }),
    ).answers;
  } catch (error) {
    return `not encodable as a DNS record (${error instanceof Error ? error.message : String(error)})`;
  }
  const same =
    decoded !== undefined &&
    decoded.length === records.length &&
    decoded.every(
      (answer, index) =>
        JSON.stringify(fromPacketAnswer(answer)) === JSON.stringify(recordKey(records[index] as DnsRecord)),
    );
  return same ? undefined : 'the record does not survive a wire-format round trip';
}

/** The record as dns-packet encodes it. */
export function toPacketAnswer(record: DnsRecord): dnsPacket.Answer {
  const { data } = record;
  const base = { name: record.name, ttl: record.ttl, class: 'IN' as const };
  switch (data.type) {
    case 'SRV':
      return {
        ...base,
        type: 'SRV',
        data: { priority: data.priority, weight: data.weight, port: data.port, target: data.target },
      };
    case 'CNAME':
      return { ...base, type: 'CNAME', data: data.target };
    case 'A':
    case 'AAAA':
      return { ...base, type: data.type, data: data.address };
  }
}

/** The comparable content of a record (owner, TTL, RDATA), whatever it came from. */
export type RecordKey = { name: string; ttl: number; data: RecordData };

export function recordKey(record: DnsRecord): RecordKey {
  return { name: record.name, ttl: record.ttl, data: record.data };
}

/** A decoded answer in the generator's model; undefined for types the generator never emits. */
export function fromPacketAnswer(answer: dnsPacket.Answer): RecordKey | undefined {
  const base = { name: answer.name.toLowerCase(), ttl: 'ttl' in answer ? (answer.ttl ?? 0) : 0 };
  switch (answer.type) {
    case 'SRV': {
      const srv = answer.data;
      return {
        ...base,
        data: {
          type: 'SRV',
          priority: srv.priority ?? 0,
          weight: srv.weight ?? 0,
          port: srv.port ?? 0,
          target: srv.target === '' ? ROOT : srv.target.toLowerCase(),
        },
      };
    }
    case 'CNAME':
      return { ...base, data: { type: 'CNAME', target: answer.data.toLowerCase() } };
    case 'A':
    case 'AAAA':
      return { ...base, data: { type: answer.type, address: answer.data } };
    default:
      return undefined;
  }
}
