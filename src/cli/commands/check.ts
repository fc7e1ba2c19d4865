import { InvalidArgumentError, Option, type Command } from 'commander';
import { normalizeDomain, parseEmailAddress, type EmailAddress } from '../../core/address';
import { DnsClient } from '../../check/dns-client';
import { formatEndpoint, parseEndpoint, type Endpoint } from '../../check/endpoint';
import { formatReport, reportJson } from '../../check/report';
import { makeDialer, parseConnectTo, type ConnectTo } from '../../probe/dialer';
import {
  CONNECT_TO_HELP,
  RESOLV_CONF,
  resolverOption,
  systemResolver,
  timeoutOption,
  trustedCas,
} from '../probe-options';
import { checkDomain } from '../../check/run-check';
import { Snapshot } from '../../catalog/snapshot';
import { resolveConfigDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';
import { palette } from '../style';
import { terminalSafe, terminalSafeJson } from '../../check/terminal-safe';

/** Used when only a domain is given: every domain must accept mail for it (RFC 5321 §4.5.1). */
const PROBE_LOCAL_PART = 'postmaster';
const DEFAULT_PROBE_TIMEOUT_MS = 5000;

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

type ConnectToValue = { all?: Endpoint; mappings: ConnectTo[] };

/** `HOST:PORT:ADDRESS:PORT` (repeatable, for HTTP and mail servers) or the older `HOST:PORT` (all HTTP). */
function connectToValue(value: string, previous: ConnectToValue = { mappings: [] }): ConnectToValue {
  const mapping = parseConnectTo(value);
  if (mapping) return { ...previous, mappings: [...previous.mappings, mapping] };
  const endpoint = parseEndpoint(value, 443);
  if (!endpoint)
    throw new InvalidArgumentError(
      'expected HOST:PORT:ADDRESS:PORT, or HOST:PORT to send every HTTP request there',
    );
  return { ...previous, all: endpoint };
}

const FORMATS = ['text', 'json'] as const;

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
      '--connect-to <host:port:address:port>',
      `${CONNECT_TO_HELP}; HOST:PORT alone sends every HTTP request to that address`,
      connectToValue,
    )
    .option('--http', 'use http:// only (a test server without TLS)')
    .option('--insecure', 'do not verify TLS certificates of the https URLs')
    .option('--ca-file <file>', 'also trust the CA certificates in this PEM file')
    .option('--no-servers', 'do not connect to the mail servers or check the https certificates')
    .option('--timeout <seconds>', 'per connection step to a mail server (default 5)', timeoutOption)
    .addOption(new Option('--format <format>', 'report format').choices(FORMATS).default('text'))
    .option('--json', 'the same as --format json')
    .option('--config <dir>', 'config directory (default: $MAIL_AUTOCONF_CONFIG or ./config)')
    .action(
      async (
        target: string,
        options: {
          resolver?: Endpoint;
          connectTo?: ConnectToValue;
          http?: boolean;
          insecure?: boolean;
          caFile?: string;
          servers: boolean;
          timeout?: number;
          format: (typeof FORMATS)[number];
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
        const dns = new DnsClient({ server: resolver });
        const mappings = options.connectTo?.mappings ?? [];
        const ca = await trustedCas(options.caFile);
        const dialer = makeDialer({ lookup: (name, type) => dns.lookup(name, type), connectTo: mappings });
        const report = await checkDomain(snapshot, address, {
          dns,
          http: {
            ...(options.connectTo?.all && { connectTo: options.connectTo.all }),
            ...(mappings.length > 0 && { connectToMap: mappings }),
            ...(options.caFile !== undefined && { ca }),
            insecure: options.insecure === true,
            resolve: (host) => dialer.addresses(host),
          },
          httpOnly: options.http === true,
          ...(options.servers && {
            servers: {
              dialer,
              tls: { ca },
              timeoutMs: options.timeout ?? DEFAULT_PROBE_TIMEOUT_MS,
              now: new Date(),
            },
          }),
        });
        const shown = formatEndpoint(resolver);
        // Answers hold remote text: its control characters are shown as escapes, before the
        // report's own colours go in.
        if (options.json === true || options.format === 'json')
          io.stdout.write(terminalSafeJson(reportJson(report, shown)));
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
