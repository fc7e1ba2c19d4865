import { isIP } from 'node:net';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * `HOST:PORT`, `HOST` (with `defaultPort`), `[IPv6]:PORT` or a bare IPv6 address, as `--resolver`
 * and `--connect-to` take them. Undefined when it is none of these.
 */
export function parseEndpoint(text: string, defaultPort: number): Endpoint | undefined {
  let host = text;
  let port = String(defaultPort);
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] as string;
    port = bracketed[2] ?? port;
  } else if (isIP(text) !== 6) {
    const colon = text.lastIndexOf(':');
    if (colon >= 0) {
      host = text.slice(0, colon);
      port = text.slice(colon + 1);
    }
  }
  const number = Number(port);
  if (!/^\d+$/.test(port) || number < 1 || number > 65535) return undefined;
  if (host.length === 0 || !/^[A-Za-z0-9.:-]+$/.test(host)) return undefined;
  return { host, port: number };
}

export function formatEndpoint(endpoint: Endpoint): string {
  return isIP(endpoint.host) === 6
    ? `[${endpoint.host}]:${endpoint.port}`
    : `${endpoint.host}:${endpoint.port}`;
}

/** The first `nameserver` of a resolv.conf text (resolv.conf(5)); the port is always 53. */
export function nameserverFromResolvConf(text: string): Endpoint | undefined {
  for (const line of text.split('\n')) {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!match) continue;
    const address = (match[1] as string).replace(/%.*$/, ''); // a zone index (fe80::1%eth0) is link-local only
    if (isIP(address)) return { host: address, port: 53 };
  }
  return undefined;
}
