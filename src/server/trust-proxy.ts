import { BlockList, isIP } from 'node:net';

/** Address groups Express understands by name. */
const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `true` trusts every address: only with TrustProxyOptions.allowBroad. */
export type TrustProxy = boolean | number | string[];

/** More proxy hops than this in front of one server is a sign of a mistake, not of a setup. */
export const MAX_TRUSTED_HOPS = 2;

/**
 * Ranges wider than this hold more than proxies: 10.0.0.0/8 is the widest private IPv4 range, and
 * fd00::/8 the unique-local IPv6 one.
 */
const MIN_PREFIX = 8;

export interface TrustProxyOptions {
  /**
   * Accept settings that trust (nearly) every address: `all`, `0.0.0.0/0`, `::/0`, other very
   * wide ranges, and hop counts above MAX_TRUSTED_HOPS. Only for a port that nothing but proxies
   * can reach (a firewall, a Kubernetes NetworkPolicy).
   */
  readonly allowBroad?: boolean;
}

const ENTRY_HELP = 'expected an IP address, a CIDR range, loopback, linklocal, uniquelocal, or a hop count';
const BROAD_HELP =
  'any client that reaches the port directly could then choose its own IP (and rate limit bucket) and claim https; name your proxies, or add --allow-broad-trust-proxy (MAIL_AUTOCONF_ALLOW_BROAD_TRUST_PROXY=1) if nothing but proxies can reach this port';

/**
 * Reads a `trust proxy` setting: `false`/`none`/empty (the default: believe no forwarding header),
 * a hop count, or a comma-separated list of proxy addresses, CIDR ranges and the names `loopback`,
 * `linklocal`, `uniquelocal`. "Trust everyone", in any spelling, is refused unless explicitly
 * allowed: it would let any client choose its own IP and pretend it used https.
 */
export function parseTrustProxy(
  value: string | undefined,
  options: TrustProxyOptions = {},
): TrustProxy | { error: string } {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false' || text === 'none') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_TRUSTED_HOPS && !options.allowBroad)
      return { error: `trust proxy hop count ${text} is more than ${MAX_TRUSTED_HOPS}: ${BROAD_HELP}` };
    return hops === 0 ? false : hops;
  }
  if (['true', 'all', '*'].includes(text.toLowerCase())) {
    if (!options.allowBroad) return { error: `trust proxy "${text}" trusts every address: ${BROAD_HELP}` };
    return true;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (NAMED.has(entry)) continue;
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxPrefix = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || !prefixOk || rest.length > 0)
      return { error: `invalid trust proxy entry "${entry}": ${ENTRY_HELP}` };
    if (prefix !== undefined && isBroad(address, family, Number(prefix)) && !options.allowBroad)
      return { error: `trust proxy range "${entry}" is too broad to hold only proxies: ${BROAD_HELP}` };
  }
  // Express takes no /0 range; a list with one trusts every address of that family, and `true`
  // (every address) is what such a list is meant to say.
  if (entries.some((entry) => /\/0+$/.test(entry))) return true;
  return entries;
}

/**
 * Whether `address/prefix` holds more than an IPv4 /8 (directly or IPv4-mapped, `::ffff:a.b.c.d`)
 * or is an IPv6 range shorter than /8. Counted exactly: a /8 holds one of the 256 addresses
 * `N.0.0.1`, anything wider holds two or more.
 */
function isBroad(address: string, family: number, prefix: number): boolean {
  if (family === 6 && prefix < MIN_PREFIX) return true;
  const range = new BlockList();
  range.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  let held = 0;
  for (let n = 0; n < 256 && held < 2; n++) {
    const sample = `${n}.0.0.1`;
    if (family === 4 ? range.check(sample, 'ipv4') : range.check(`::ffff:${sample}`, 'ipv6')) held++;
  }
  return held >= 2;
}
