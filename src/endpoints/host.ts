import { normalizeDomain } from '../core/address';

/**
 * The host name of a Host header value, without port, lower-case, or undefined when it is not a
 * DNS name (an IP literal, garbage).
 */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  if (header.startsWith('[')) return undefined; // IPv6 literal
  const colon = header.lastIndexOf(':');
  const name = colon >= 0 ? header.slice(0, colon) : header;
  return normalizeDomain(name);
}

/**
 * The served domain a request's Host header names: `<prefix>.<domain>` or `<domain>` itself, where
 * the domain must be in the config. Nothing else from the header is used.
 */
export function domainFromHost(
  host: string | undefined,
  prefixes: readonly string[],
  isServed: (domain: string) => boolean,
): string | undefined {
  if (!host) return undefined;
  for (const prefix of prefixes) {
    if (host.startsWith(`${prefix}.`)) {
      const rest = host.slice(prefix.length + 1);
      if (isServed(rest)) return rest;
    }
  }
  return isServed(host) ? host : undefined;
}
