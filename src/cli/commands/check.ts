import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import { normalizeDomain, parseEmailAddress, type EmailAddress } from '../../core/address';
import { DnsClient } from '../../check/dns-client';
import { formatEndpoint, nameserverFromResolvConf, parseEndpoint, type Endpoint } from '../../check/endpoint';
import { formatReport, reportJson } from '../../check/report';
import { checkDomain } from '../../check/run-check';
import { Snapshot } from '../../catalog/snapshot';
import { resolveConfigDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';
import { palette } from '../style';
import { terminalSafe, terminalSafeJson } from '../../check/terminal-safe';

const RESOLV_CONF = '/etc/resolv.conf';
/** Used when only a domain is given: every domain must accept mail for it (RFC 5321 §4.5.1). */
const PROBE_LOCAL_PART = 'postmaster';

const endpointOption = (defaultPort: number) => (value: string) => {
  const endpoint = parseEndpoint(value, defaultPort);
  if (!endpoint) throw new InvalidArgumentError('expected HOST:PORT, HOST or [IPv6]:PORT');
  return endpoint;
};

/** A resolver is given by address: its answers are only accepted from that address. */
const resolverOption = (value: string) => {
  const endpoint = parseEndpoint(value, 53);
  if (!endpoint || !isIP(endpoint.host))
    throw new InvalidArgumentError(
      'expected an IP address with an optional port: ADDRESS:PORT or [IPv6]:PORT',
    );
  return endpoint;
};

function targetAddress(target: string): EmailAddress {
  if (target.includes('@')) {
    const parsed = parseEmailAddress(target);
    if (!parsed.ok) throw new CliExit(EXIT.usage, `not a valid email address: ${parsed.reason}`);
    return parsed.value;
  }
  const domain = normalizeDomain(target);
  if (!domain) throw new CliExit(EXIT.usage, 'expected an email address or a domain name');
  return { localPart: PROBE_LOCAL_PART, domain, address: `${PROBE_LOCAL_PART}@${domain}` };
}

async function systemResolver(): Promise<Endpoint> {
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

export function registerCheck(program: Command, io: CliIo): void {
  program
    .command('check')
    .description('look at a live domain the way mail clients do and say what to fix')
    .argument('<email-or-domain>', 'an address (its login name is checked too) or a domain')
    .option(
      '--resolver <address:port>',
      `DNS resolver to ask (default: first nameserver in ${RESOLV_CONF})`,
      resolverOption,
    )
    .option(
      '--connect-to <host:port>',
      'send every HTTP request to this address, keeping the Host header',
      endpointOption(443),
    )
    .option('--http', 'use http:// only (a test server without TLS)')
    .option('--insecure', 'do not verify TLS certificates')
    .option('--json', 'print the report as JSON')
    .option('--config <dir>', 'config directory (default: $MAIL_AUTOCONF_CONFIG or ./config)')
    .action(
      async (
        target: string,
        options: {
          resolver?: Endpoint;
          connectTo?: Endpoint;
          http?: boolean;
          insecure?: boolean;
          json?: boolean;
          config?: string;
        },
      ) => {
        const address = targetAddress(target);
        const { dir } = resolveConfigDir(options.config, io);
        const snapshot = new Snapshot(await loadOrExit(dir, io, { quietWarnings: true }));
        if (!snapshot.settings(address.domain))
          throw new CliExit(
            EXIT.usage,
            `${address.domain} is not in the config at ${dir}: check compares a live domain with its config`,
          );
        const resolver = options.resolver ?? (await systemResolver());
        const report = await checkDomain(snapshot, address, {
          dns: new DnsClient({ server: resolver }),
          http: {
            ...(options.connectTo && { connectTo: options.connectTo }),
            insecure: options.insecure === true,
          },
          httpOnly: options.http === true,
        });
        const shown = formatEndpoint(resolver);
        // Answers hold remote text: its control characters are shown as escapes, before the
        // report's own colours go in.
        if (options.json) io.stdout.write(terminalSafeJson(reportJson(report, shown)));
        else {
          const { green, red } = palette(io, 'stdout');
          io.stdout.write(
            terminalSafe(formatReport(report, shown))
              .replace(/^( {2})✔/gm, (_line, indent: string) => `${indent}${green('✔')}`)
              .replace(/^( {2})✘/gm, (_line, indent: string) => `${indent}${red('✘')}`),
          );
        }
        // The report has said what failed; the exit status tells scripts.
        if (!report.ok) throw new CliExit(EXIT.failed);
      },
    );
}
