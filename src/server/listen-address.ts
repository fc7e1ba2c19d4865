import { isIP } from 'node:net';
import type { ListenAddress } from './start';

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces); undefined when it is neither. */
export function parseListenAddress(value: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  const host = match[1] ?? (match[2] || '0.0.0.0');
  if (match[1] !== undefined && isIP(host) !== 6) return undefined;
  return { host, port };
}
