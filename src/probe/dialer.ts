import { isIP } from 'node:net';
import type { Lookup, QueryType } from '../check/dns-client';
import type { Dial } from './connection';
import { ProbeError } from './connection';

/**
 * A curl-style `--connect-to HOST:PORT:ADDRESS:PORT`: connections meant for HOST:PORT go to
 * ADDRESS:PORT instead, while the host name stays the one for TLS (SNI, certificate checks). An
 * empty HOST or first PORT matches any. ADDRESS must be an IP address, so nothing is resolved
 * behind the user's back.
 */
export interface ConnectTo {
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly connectPort: number;
}

export function parseConnectTo(text: string): ConnectTo | undefined {
  const match = /^([A-Za-z0-9.-]*):(\d*):(\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+)$/.exec(text);
  if (!match) return undefined;
  const [, host = '', port = '', rawAddress = '', connectPort = ''] = match;
  const address = rawAddress.replace(/^\[|\]$/g, '');
  const valid = (p: string) => /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535;
  if (isIP(address) === 0 || !valid(connectPort) || (port !== '' && !valid(port))) return undefined;
  return {
    host: host.toLowerCase().replace(/\.$/, ''),
    port: port === '' ? 0 : Number(port),
    address,
    connectPort: Number(connectPort),
  };
}

export interface Dialer {
  dial(host: string, port: number): Promise<Dial>;
  /** The host's addresses from the resolver (A first, then AAAA). */
  addresses(host: string): Promise<readonly string[]>;
}

/**
 * Finds where to connect: a --connect-to mapping first, else the host's A, then AAAA records from
 * the resolver the command was given (never the system's, so tests and checks see one DNS view).
 */
export function makeDialer(options: {
  readonly lookup: (name: string, type: QueryType) => Promise<Lookup>;
  readonly connectTo?: readonly ConnectTo[];
}): Dialer {
  const cache = new Map<string, Promise<string[]>>();
  const addresses = (host: string) => {
    let found = cache.get(host);
    if (!found) {
      found = (async () => {
        const result: string[] = [];
        for (const type of ['A', 'AAAA'] as const) {
          const lookup = await options.lookup(host, type);
          if (lookup.status === 'error')
            throw new ProbeError('connect', `DNS lookup of ${host} failed: ${lookup.message}`);
          for (const answer of lookup.answers)
            if (answer.type === type && typeof answer.data === 'string') result.push(answer.data);
        }
        return result;
      })();
      cache.set(host, found);
    }
    return found;
  };
  return {
    addresses: (host) => addresses(host.toLowerCase().replace(/\.$/, '')),
    async dial(host, port) {
      const name = host.toLowerCase().replace(/\.$/, '');
      const mapped = (options.connectTo ?? []).find(
        (entry) => (entry.host === '' || entry.host === name) && (entry.port === 0 || entry.port === port),
      );
      if (mapped) return { host: name, port, address: mapped.address, connectPort: mapped.connectPort };
      if (isIP(name)) return { host: name, port, address: name, connectPort: port };
      const found = await addresses(name);
      const address = found[0];
      if (!address) throw new ProbeError('connect', `${name} has no A or AAAA record`);
      return { host: name, port, address, connectPort: port };
    },
  };
}
