import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { InvalidArgumentError } from 'commander';
import { nameserverFromResolvConf, parseEndpoint, type Endpoint } from '../check/endpoint';
import { parseConnectTo, type ConnectTo } from '../probe/dialer';
import { EXIT } from './exit-codes';
import { CliExit } from './io';

/** Options shared by the commands that talk to live servers (`check`, `init`). */
export const RESOLV_CONF = '/etc/resolv.conf';

/** A resolver is given by address: its answers are only accepted from that address. */
export function resolverOption(value: string): Endpoint {
  const endpoint = parseEndpoint(value, 53);
  if (!endpoint || isIP(endpoint.host) === 0)
    throw new InvalidArgumentError(
      'expected an IP address with an optional port: ADDRESS:PORT or [IPv6]:PORT',
    );
  return endpoint;
}

export async function systemResolver(): Promise<Endpoint> {
  let text: string;
  try {
    text = await readFile(RESOLV_CONF, 'utf8');
  } catch {
    throw new CliExit(EXIT.usage, `cannot read ${RESOLV_CONF}: give a resolver with --resolver ADDRESS:PORT`);
  }
  const endpoint = nameserverFromResolvConf(text);
  if (!endpoint)
    throw new CliExit(
      EXIT.usage,
      `no nameserver in ${RESOLV_CONF}: give a resolver with --resolver ADDRESS:PORT`,
    );
  return endpoint;
}

/** Repeatable `--connect-to HOST:PORT:ADDRESS:PORT`. */
export function connectToOption(value: string, previous: ConnectTo[] = []): ConnectTo[] {
  const mapping = parseConnectTo(value);
  if (!mapping)
    throw new InvalidArgumentError(
      'expected HOST:PORT:ADDRESS:PORT (ADDRESS an IP address; HOST or the first PORT may be empty)',
    );
  return [...previous, mapping];
}

export const CONNECT_TO_HELP =
  'connect to ADDRESS:PORT instead of HOST:PORT, keeping HOST for TLS (like curl; repeatable)';

/** The system's trusted roots plus the CA certificates of `--ca-file`. */
export async function trustedCas(caFile: string | undefined): Promise<string[]> {
  if (caFile === undefined) return [...rootCertificates];
  let text: string;
  try {
    text = await readFile(caFile, 'utf8');
  } catch (error) {
    throw new CliExit(
      EXIT.usage,
      `cannot read --ca-file ${caFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new CliExit(EXIT.usage, `--ca-file ${caFile} holds no PEM certificate`);
  return [...rootCertificates, text];
}

export function timeoutOption(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds <= 0 || seconds > 120)
    throw new InvalidArgumentError('expected seconds, more than 0 and at most 120');
  return Math.round(seconds * 1000);
}
