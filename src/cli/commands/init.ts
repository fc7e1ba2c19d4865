import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DnsClient } from '../../check/dns-client';
import { formatEndpoint, type Endpoint } from '../../check/endpoint';
import { loadConfigTexts } from '../../config/load';
import { formatProblem } from '../../config/problems';
import { normalizeDomain, parseEmailAddress, type EmailAddress } from '../../core/address';
import type { MailProtocol } from '../../probe/dialect';
import { makeDialer, type ConnectTo } from '../../probe/dialer';
import { candidateHosts, discover, rankFindings, type Finding } from '../../probe/discover';
import { printable } from '../../probe/imap';
import { describeFinding, renderInitYaml } from '../../probe/init-yaml';
import { measureLoginPolicy, type LoginMeasurement } from '../../probe/login-policy';
import type { ProbeOptions } from '../../probe/probe';
import { resolveConfigDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import {
  CONNECT_TO_HELP,
  connectToOption,
  resolverOption,
  systemResolver,
  timeoutOption,
  trustedCas,
} from '../probe-options';

/** Where scripts put the password for --login-test (never a command-line argument: `ps` shows those). */
export const PASSWORD_ENV = 'MAIL_AUTOCONF_PASSWORD';
const DEFAULT_TIMEOUT_MS = 5000;

interface InitOptions {
  mailHost: string[];
  out?: string;
  yes?: boolean;
  force?: boolean;
  ports: Partial<Record<MailProtocol, number[]>>;
  loginTest?: string;
  providerName?: string;
  resolver?: Endpoint;
  connectTo: ConnectTo[];
  caFile?: string;
  timeout?: number;
  config?: string;
}

const PROTOCOLS = new Set<MailProtocol>(['imap', 'pop3', 'smtp']);

/** `--ports smtp=2525,imap=1143` (repeatable). */
function portsOption(
  value: string,
  previous: Partial<Record<MailProtocol, number[]>> = {},
): Partial<Record<MailProtocol, number[]>> {
  const result = { ...previous };
  for (const entry of value.split(',')) {
    const match = /^(imap|pop3|smtp)=(\d{1,5})$/.exec(entry.trim());
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535 || !PROTOCOLS.has(match[1] as MailProtocol))
      throw new InvalidArgumentError(
        `expected PROTOCOL=PORT[,…] with PROTOCOL imap, pop3 or smtp, got "${entry}"`,
      );
    const protocol = match[1] as MailProtocol;
    result[protocol] = [...(result[protocol] ?? []), port];
  }
  return result;
}

function hostOption(value: string, previous: string[] = []): string[] {
  const host = normalizeDomain(value);
  if (!host || !host.includes('.'))
    throw new InvalidArgumentError('expected a host name such as mail.example.com');
  return [...previous, host];
}

/** Incoming: the best IMAP and the best POP3; outgoing: the best submission port, and 587 beside 465. */
function choose(ranked: readonly Finding[]): { incoming: Finding[]; outgoing: Finding[] } {
  const best = (protocol: MailProtocol) => ranked.find((finding) => finding.protocol === protocol);
  const incoming = [best('imap'), best('pop3')].filter((f): f is Finding => f !== undefined);
  const smtp = best('smtp');
  const outgoing: Finding[] = smtp ? [smtp] : [];
  if (smtp?.security === 'tls') {
    const starttls = ranked.find(
      (f) => f.protocol === 'smtp' && f.host === smtp.host && f.security === 'starttls' && f.port === 587,
    );
    if (starttls) outgoing.push(starttls);
  }
  return { incoming, outgoing };
}

async function readPassword(io: CliIo, address: string): Promise<string> {
  const fromEnv = io.env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!io.terminal)
    throw new CliExit(
      EXIT.usage,
      `--login-test needs the password: set ${PASSWORD_ENV} (not on a terminal, so it cannot be asked)`,
    );
  const password = await io.terminal.askSecret(`Password of ${address} (not shown, not stored): `);
  if (password === '') throw new CliExit(EXIT.usage, 'no password given');
  return password;
}

export function registerInit(program: Command, io: CliIo): void {
  program
    .command('init')
    .description("probe a domain's mail servers and write a config for it, with what was measured")
    .argument('<domain>', 'the mail domain, e.g. example.com')
    .option(
      '--mail-host <host>',
      'a mail server host name to probe (repeatable; default: MX and imap./smtp./pop./mail.)',
      hostOption,
    )
    .option(
      '--out <file>',
      'file to write, or - for standard output (default: <config>/domains/<domain>.yaml)',
    )
    .option('--yes', 'write without asking (for scripts)')
    .option('--force', 'replace the file if it exists')
    .option('--ports <protocol=port,...>', 'more ports to probe, e.g. smtp=2525 (repeatable)', portsOption)
    .option(
      '--login-test <address>',
      `find the login form by logging in as ADDRESS (password asked, or from $${PASSWORD_ENV})`,
    )
    .option('--provider-name <name>', 'provider name shown by clients (default: the domain)')
    .option(
      '--resolver <address:port>',
      'DNS resolver to ask (default: first nameserver in /etc/resolv.conf)',
      resolverOption,
    )
    .option('--connect-to <host:port:address:port>', CONNECT_TO_HELP, connectToOption)
    .option('--ca-file <file>', 'also trust the CA certificates in this PEM file')
    .option('--timeout <seconds>', 'per connection step (default 5)', timeoutOption)
    .option(
      '--config <dir>',
      'config directory the file goes into (default: $MAIL_AUTOCONF_CONFIG or ./config)',
    )
    .action(async (rawDomain: string, raw: Partial<InitOptions>) => {
      const options: InitOptions = { mailHost: [], ports: {}, connectTo: [], ...raw };
      const domain = normalizeDomain(rawDomain);
      if (!domain || !domain.includes('.')) throw new CliExit(EXIT.usage, `not a domain name: ${rawDomain}`);
      let loginAddress: EmailAddress | undefined;
      if (options.loginTest !== undefined) {
        const parsed = parseEmailAddress(options.loginTest);
        if (!parsed.ok)
          throw new CliExit(EXIT.usage, `--login-test: not a valid email address: ${parsed.reason}`);
        if (parsed.value.domain !== domain)
          throw new CliExit(
            EXIT.usage,
            `--login-test: ${parsed.value.address} is not an address of ${domain}`,
          );
        loginAddress = parsed.value;
      }
      const toStdout = options.out === '-';
      if (!toStdout && !options.yes && !io.terminal)
        throw new CliExit(
          EXIT.usage,
          'not on a terminal, so nothing can be confirmed: add --yes to write, or --out - to print',
        );
      const configDir = resolveConfigDir(options.config, io);
      // With no config of their own yet (only the bundled example), a new ./config is started.
      const baseDir = configDir.bundled ? resolve(io.cwd, 'config') : configDir.dir;
      const target = toStdout
        ? undefined
        : options.out !== undefined
          ? resolve(io.cwd, options.out)
          : join(baseDir, 'domains', `${domain}.yaml`);
      if (target && existsSync(target) && !options.force && !io.terminal)
        throw new CliExit(
          EXIT.failed,
          `${relative(io.cwd, target)} exists: add --force to replace it, or choose another --out`,
        );
      const password = loginAddress ? await readPassword(io, loginAddress.address) : undefined;

      const resolver = options.resolver ?? (await systemResolver());
      const dns = new DnsClient({ server: resolver });
      const probeOptions: ProbeOptions = {
        dialer: makeDialer({ lookup: (name, type) => dns.lookup(name, type), connectTo: options.connectTo }),
        tls: { ca: await trustedCas(options.caFile) },
        timeoutMs: options.timeout ?? DEFAULT_TIMEOUT_MS,
        now: new Date(),
      };
      const say = (text: string) => io.stderr.write(`${text}\n`);

      let mxHosts: string[] = [];
      if (options.mailHost.length === 0) {
        const mx = await dns.lookup(domain, 'MX');
        if (mx.status === 'error')
          say(`MX lookup of ${domain} failed (${mx.message}); guessing host names only`);
        else
          mxHosts = mx.answers
            .flatMap((a) =>
              a.type === 'MX' ? [{ preference: a.data.preference ?? 0, host: a.data.exchange }] : [],
            )
            .sort((a, b) => a.preference - b.preference)
            .map((a) => a.host);
      }
      const hosts = candidateHosts(domain, mxHosts, options.mailHost);
      say(`Probing IMAP, POP3 and SMTP on ${hosts.join(', ')} (resolver ${formatEndpoint(resolver)})…`);
      const findings = await discover({ hosts, extraPorts: options.ports, options: probeOptions });
      for (const finding of findings) say(`  found ${describeFinding(finding)}`);
      const { incoming, outgoing } = choose(rankFindings(findings, hosts));
      if (incoming.length === 0 || outgoing.length === 0) {
        const missing = [
          ...(incoming.length === 0 ? ['an IMAP or POP3 server'] : []),
          ...(outgoing.length === 0 ? ['an SMTP submission server with AUTH'] : []),
        ].join(' and ');
        say(
          findings.length === 0
            ? `nothing answered on ${hosts.join(', ')}: give the servers with --mail-host HOST`
            : `found no usable ${missing} with TLS (plain-text-only ports are never advertised); give more with --mail-host or --ports`,
        );
        throw new CliExit(EXIT.failed);
      }
      for (const finding of [...incoming, ...outgoing])
        if (!finding.outcome.tls?.certificate.ok)
          say(
            `warning: ${finding.host}:${finding.port}: ${printable(finding.outcome.tls?.certificate.summary ?? 'no certificate')}; clients will refuse it`,
          );

      let login: { address: string; measurements: readonly LoginMeasurement[] } | undefined;
      if (loginAddress && password !== undefined) {
        say(`Logging in as "${loginAddress.address}" and as "${loginAddress.localPart}"…`);
        const targets = [...incoming, ...outgoing].map((f) => ({
          protocol: f.protocol,
          host: f.host,
          port: f.port,
          security: f.security,
        }));
        const measurements = await measureLoginPolicy(loginAddress, password, targets, probeOptions);
        login = { address: loginAddress.address, measurements };
        const refused = measurements.filter((m) => !m.policy);
        for (const m of measurements)
          say(
            `  ${m.target.protocol} ${m.target.host}:${m.target.port}: ${m.policy ? `accepts the ${m.policy === 'email' ? 'full address' : 'local part'}` : 'refused both forms'}`,
          );
        if (refused.length > 0) {
          say('the login was refused in both forms: check the address and the password; nothing written');
          throw new CliExit(EXIT.failed);
        }
      }

      let providerName = options.providerName ?? domain;
      if (io.terminal && !options.yes && options.providerName === undefined)
        providerName =
          (await io.terminal.ask(`Provider name shown by mail clients [${domain}]: `)).trim() || domain;
      const yaml = renderInitYaml({
        domain,
        providerName,
        hostsProbed: hosts,
        incoming,
        outgoing,
        findings,
        ...(login && { login }),
        date: probeOptions.now,
      });
      // What is written must load: a bug here must not leave the admin with a broken config.
      const check = loadConfigTexts([{ file: target ?? `${domain}.yaml`, text: yaml }], { baseDir: io.cwd });
      if (!check.ok) {
        for (const problem of check.errors) say(formatProblem(problem));
        throw new CliExit(EXIT.internal, 'the generated config does not validate (a bug): nothing written');
      }
      if (!target) {
        io.stdout.write(yaml);
        return;
      }
      const shown = relative(io.cwd, target) || target;
      if (io.terminal && !options.yes) {
        io.stderr.write(`\n${yaml}\n`);
        const exists = existsSync(target);
        const answer = (
          await io.terminal.ask(
            `${exists ? 'Replace' : 'Write'} ${shown}? [${exists && !options.force ? 'y/N' : 'Y/n'}] `,
          )
        )
          .trim()
          .toLowerCase();
        const yes = answer === '' ? !exists || options.force === true : answer === 'y' || answer === 'yes';
        if (!yes) {
          say('nothing written');
          throw new CliExit(EXIT.failed);
        }
      }
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, yaml, { flag: options.force || io.terminal ? 'w' : 'wx' });
      say(
        `wrote ${shown}; next: \`mail-autoconf validate\`, publish the DNS records (\`mail-autoconf dns ${domain}\`), then \`mail-autoconf check ${domain}\``,
      );
    });
}
