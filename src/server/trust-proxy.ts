import { isIP } from 'node:net';

/** Address groups Express understands by name. */
const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

export type TrustProxy = false | number | string[];

/**
 * Reads a `trust proxy` setting: `false`/`none`/empty (the default: believe no forwarding header),
 * a hop count, or a comma-separated list of proxy addresses, CIDR ranges and the names `loopback`,
 * `linklocal`, `uniquelocal`. "Trust everyone" is deliberately not expressible: it would let any
 * client choose its own IP (and so its own rate limit bucket) and pretend it used https.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | { error: string } {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false' || text === 'none') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops === 0 ? false : hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (NAMED.has(entry)) continue;
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxPrefix = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || !prefixOk || rest.length > 0)
      return {
        error: `invalid trust proxy entry "${entry}": expected an IP address, a CIDR range, loopback, linklocal, uniquelocal, or a hop count`,
      };
  }
  return entries;
}
