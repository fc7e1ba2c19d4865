import type { MailProtocol } from './dialect';
import { probe, type ProbeOptions, type ProbeOutcome, type ProbeSecurity } from './probe';

/** The ports clients try, and the security each one calls for (RFC 8314, RFC 6409). */
export const STANDARD_PORTS: Record<MailProtocol, readonly { port: number; security: ProbeSecurity }[]> = {
  imap: [
    { port: 993, security: 'tls' },
    { port: 143, security: 'starttls' },
  ],
  pop3: [
    { port: 995, security: 'tls' },
    { port: 110, security: 'starttls' },
  ],
  smtp: [
    { port: 465, security: 'tls' },
    { port: 587, security: 'starttls' },
    { port: 25, security: 'starttls' },
  ],
};

/** The name prefixes Thunderbird's guessing tries, by protocol, before `mail.` and the MX. */
export const GUESS_PREFIXES: Record<MailProtocol, readonly string[]> = {
  imap: ['imap'],
  pop3: ['pop', 'pop3'],
  smtp: ['smtp'],
};

/** What one host and port turned out to be. */
export interface Finding {
  readonly protocol: MailProtocol;
  readonly host: string;
  readonly port: number;
  /** The security that worked; `none` means the port speaks only plain text. */
  readonly security: ProbeSecurity;
  readonly outcome: ProbeOutcome;
  /** The other attempts on this port, for the comments. */
  readonly tried: readonly ProbeOutcome[];
}

/** Candidate host names for a domain: the given ones, else the usual names and the MX hosts. */
export function candidateHosts(
  domain: string,
  mxHosts: readonly string[],
  given: readonly string[],
): string[] {
  if (given.length > 0) return [...new Set(given.map((host) => host.toLowerCase().replace(/\.$/, '')))];
  const guessed = [...GUESS_PREFIXES.imap, ...GUESS_PREFIXES.smtp, ...GUESS_PREFIXES.pop3, 'mail'].map(
    (prefix) => `${prefix}.${domain}`,
  );
  return [...new Set([...guessed, ...mxHosts.map((host) => host.toLowerCase().replace(/\.$/, ''))])];
}

/** Runs `tasks` with at most `limit` at a time, keeping their order in the result. */
async function limited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * Finds out what one port speaks: the security its number calls for first, then the other way
 * (implicit TLS on 143, STARTTLS on 993 happen), then plain text, so a plain-only port is known
 * as such and can be left out.
 */
async function examine(
  protocol: MailProtocol,
  host: string,
  port: number,
  expected: ProbeSecurity | undefined,
  options: ProbeOptions,
): Promise<Finding | undefined> {
  const order: ProbeSecurity[] = expected === 'starttls' ? ['starttls', 'tls'] : ['tls', 'starttls'];
  const tried: ProbeOutcome[] = [];
  for (const security of order) {
    const outcome = await probe({ protocol, host, port, security }, options);
    tried.push(outcome);
    if (outcome.ok) return { protocol, host, port, security, outcome, tried };
    // Nothing listens, or the name does not resolve: no point in trying another way.
    if (outcome.error?.stage === 'connect') return undefined;
    // A plain greeting without STARTTLS: the port is plain text only.
    if (security === 'starttls' && outcome.error?.stage === 'starttls' && outcome.starttlsOffered === false)
      return { protocol, host, port, security: 'none', outcome, tried };
  }
  return undefined;
}

export interface DiscoverRequest {
  readonly hosts: readonly string[];
  /** Extra ports by protocol (`--ports smtp=2525`); their security is found out. */
  readonly extraPorts: Readonly<Partial<Record<MailProtocol, readonly number[]>>>;
  readonly options: ProbeOptions;
  readonly concurrency?: number;
}

/** Probes every candidate host on every port of every protocol and returns what answered. */
export async function discover(request: DiscoverRequest): Promise<Finding[]> {
  const tasks: (() => Promise<Finding | undefined>)[] = [];
  for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
    const ports = [
      ...STANDARD_PORTS[protocol],
      ...(request.extraPorts[protocol] ?? []).map((port) => ({ port, security: undefined })),
    ];
    for (const host of request.hosts)
      for (const { port, security } of ports)
        tasks.push(() => examine(protocol, host, port, security, request.options));
  }
  const findings = await limited(tasks, request.concurrency ?? 8);
  return findings.filter((finding): finding is Finding => finding !== undefined);
}

const SECURITY_RANK: Record<ProbeSecurity, number> = { tls: 0, starttls: 1, none: 9 };

/**
 * The order clients should try servers in: usable ones only (TLS of some kind), a certificate
 * clients accept before one they refuse, implicit TLS before STARTTLS (RFC 8314), the protocol's
 * own host name before `mail.` and the MX, and the standard ports before others.
 */
export function rankFindings(findings: readonly Finding[], hosts: readonly string[]): Finding[] {
  const hostRank = (finding: Finding) => {
    const prefix = finding.host.split('.')[0] ?? '';
    const own = GUESS_PREFIXES[finding.protocol].includes(prefix) ? 0 : 1;
    return own * 1000 + hosts.indexOf(finding.host);
  };
  const standard = (finding: Finding) =>
    STANDARD_PORTS[finding.protocol].findIndex((entry) => entry.port === finding.port);
  return findings
    .filter((finding) => finding.security !== 'none')
    .filter(
      (finding) => finding.protocol !== 'smtp' || (finding.outcome.capabilities?.mechanisms.length ?? 0) > 0,
    )
    .sort(
      (a, b) =>
        Number(!a.outcome.tls?.certificate.ok) - Number(!b.outcome.tls?.certificate.ok) ||
        SECURITY_RANK[a.security] - SECURITY_RANK[b.security] ||
        hostRank(a) - hostRank(b) ||
        (standard(a) < 0 ? 99 : standard(a)) - (standard(b) < 0 ? 99 : standard(b)),
    );
}
