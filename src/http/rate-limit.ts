import ipaddr from 'ipaddr.js';

const WINDOW_MS = 60_000;
/** IPv6 clients get a /56 per site from most providers: one bucket per /56, not per address. */
const IPV6_GROUP_BITS = 56;

/**
 * The bucket a client address counts against: IPv4 as is (also when written IPv4-mapped,
 * `::ffff:a.b.c.d`), IPv6 by its /56. Anything unparsable keeps its own text.
 */
export function clientBucket(address: string | undefined): string {
  if (address === undefined) return '';
  if (address.indexOf(':') < 0) return address;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return address;
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
    const bytes = v6.toByteArray();
    for (let i = IPV6_GROUP_BITS / 8; i < 16; i++) bytes[i] = 0;
    return `${ipaddr.fromByteArray(bytes).toString()}/${IPV6_GROUP_BITS}`;
  }
  return parsed.toString();
}

export interface RateLimiter {
  /** Counts one request of `bucket`: undefined when allowed, else seconds until it may retry. */
  take(bucket: string): number | undefined;
}

/**
 * Per-client request budget (protocols.md §5.4), in fixed one-minute windows: one map lookup and
 * one increment per request, and the whole map is dropped when a window ends, so memory is bounded
 * by the clients of one minute.
 */
export function createRateLimiter(perMinute: number, clock: () => number = Date.now): RateLimiter {
  let counts = new Map<string, number>();
  let windowEnds = 0;
  return {
    take(bucket) {
      const now = clock();
      if (now >= windowEnds) {
        counts = new Map();
        windowEnds = now + WINDOW_MS;
      }
      const count = (counts.get(bucket) ?? 0) + 1;
      counts.set(bucket, count);
      return count > perMinute ? Math.max(1, Math.ceil((windowEnds - now) / 1000)) : undefined;
    },
  };
}
