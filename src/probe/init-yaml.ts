import type { MailProtocol } from './dialect';
import type { Finding } from './discover';
import { printable } from './imap';
import type { LoginMeasurement, LoginPolicy } from './login-policy';
import type { ProbeSecurity } from './probe';

/** What `init` decided, ready to be written. */
export interface InitPlan {
  readonly domain: string;
  readonly providerName: string;
  readonly hostsProbed: readonly string[];
  readonly incoming: readonly Finding[];
  readonly outgoing: readonly Finding[];
  /** Every port that answered, for the comments about what was left out. */
  readonly findings: readonly Finding[];
  readonly login?: { readonly address: string; readonly measurements: readonly LoginMeasurement[] };
  readonly date: Date;
}

const SECURITY_WORDS: Record<ProbeSecurity, string> = {
  tls: 'implicit TLS',
  starttls: 'STARTTLS',
  none: 'plain text only',
};
const NAMES: Record<MailProtocol, string> = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' };

/** Config `auth:` from the SASL mechanisms (and IMAP LOGIN / POP3 USER) a server offers after TLS. */
export function authOf(finding: Finding): string[] {
  const capabilities = finding.outcome.capabilities;
  const mechanisms = capabilities?.mechanisms ?? [];
  const auth: string[] = [];
  if (mechanisms.includes('PLAIN') || mechanisms.includes('LOGIN') || capabilities?.plainLogin)
    auth.push('password-cleartext');
  if (mechanisms.some((m) => m === 'CRAM-MD5' || m.startsWith('SCRAM-'))) auth.push('password-encrypted');
  // OAuth2 is left out: it needs the provider's issuer and URLs (`oauth2:`), which no probe can find.
  if (mechanisms.includes('GSSAPI')) auth.push('GSSAPI');
  if (mechanisms.includes('NTLM')) auth.push('NTLM');
  if (mechanisms.includes('EXTERNAL')) auth.push('TLS-client-cert');
  return auth;
}

/** One line about a port: what security, what certificate, which mechanisms. */
export function describeFinding(finding: Finding): string {
  const { outcome } = finding;
  const parts = [
    `${finding.host}:${finding.port} ${NAMES[finding.protocol]} ${SECURITY_WORDS[finding.security]}`,
  ];
  if (outcome.tls) parts.push(outcome.tls.protocol, outcome.tls.certificate.summary);
  const mechanisms = outcome.capabilities?.mechanisms ?? [];
  if (finding.security !== 'none')
    parts.push(mechanisms.length > 0 ? `AUTH ${mechanisms.join(' ')}` : 'no AUTH offered');
  return printable(parts.join(', '));
}

const quoted = (text: string) => JSON.stringify(text);

function serverLine(finding: Finding, username: string | undefined, auth: string | undefined): string {
  const fields = [
    `type: ${finding.protocol}`,
    `host: ${finding.host}`,
    `port: ${finding.port}`,
    `security: ${finding.security}`,
    ...(username ? [`username: ${username}`] : []),
    ...(auth ? [`auth: ${auth}`] : []),
  ];
  return `  - { ${fields.join(', ')} }`;
}

const key = (finding: Finding) => `${finding.protocol} ${finding.host}:${finding.port}`;

/** The commented YAML for a new domain. Every server in it was measured; comments say how. */
export function renderInitYaml(plan: InitPlan): string {
  const lines: string[] = [
    `# Written by \`mail-autoconf init ${plan.domain}\` on ${plan.date.toISOString().slice(0, 10)} from what the`,
    '# servers answered. Check it with `mail-autoconf validate`, then `mail-autoconf check`.',
    `# Hosts probed: ${printable(plan.hostsProbed.join(', '))}`,
    `domain: ${plan.domain}`,
    'provider:',
    `  name: ${quoted(plan.providerName)}`,
    `  shortName: ${quoted(plan.providerName.slice(0, 20))}`,
  ];

  const policies = new Map<string, LoginPolicy | undefined>();
  for (const measurement of plan.login?.measurements ?? [])
    policies.set(
      `${measurement.target.protocol} ${measurement.target.host}:${measurement.target.port}`,
      measurement.policy,
    );
  const chosen = [...plan.incoming, ...plan.outgoing];
  const measured = chosen.map((finding) => policies.get(key(finding))).filter((p): p is LoginPolicy => !!p);
  const domainPolicy: LoginPolicy = measured[0] ?? 'email';
  const auths = chosen.map((finding) => authOf(finding));
  const domainAuth = auths[0]?.[0] ?? 'password-cleartext';

  const section = (title: string, findings: readonly Finding[]) => {
    lines.push(`${title}:${findings.length > 1 ? ' # preferred first' : ''}`);
    for (const finding of findings) {
      lines.push(`  # ${describeFinding(finding)}`);
      const policy = policies.get(key(finding));
      const auth = authOf(finding);
      const authText =
        auth.length === 0 || auth[0] === domainAuth
          ? undefined
          : auth.length === 1
            ? auth[0]
            : `[${auth.join(', ')}]`;
      lines.push(serverLine(finding, policy && policy !== domainPolicy ? policy : undefined, authText));
    }
  };
  section('incoming', plan.incoming);
  section('outgoing', plan.outgoing);

  if (plan.login) {
    lines.push(`# Login form measured with --login-test ${printable(plan.login.address)}:`);
    for (const measurement of plan.login.measurements) {
      const tries = measurement.tries
        .map(
          (t) =>
            `"${printable(t.username)}" ${t.ok ? 'accepted' : `refused${t.error ? ` (${printable(t.error)})` : ''}`}`,
        )
        .join(', ');
      lines.push(
        `#   ${NAMES[measurement.target.protocol]} ${measurement.target.host}:${measurement.target.port}: ${tries}`,
      );
    }
  } else {
    lines.push(
      '# Login form NOT measured: the full address is assumed. Run `mail-autoconf init` with',
      '# --login-test ADDRESS to find out whether the servers want the address or the part before the @.',
    );
  }
  lines.push(`username: ${domainPolicy}`, `auth: ${domainAuth}`);

  const chosenKeys = new Set(chosen.map(key));
  const left = plan.findings.filter((finding) => !chosenKeys.has(key(finding)));
  if (left.length > 0) {
    lines.push('# Also answered, not listed:');
    for (const finding of left) {
      const why =
        finding.security === 'none'
          ? 'never advertised: passwords would travel unencrypted'
          : finding.protocol === 'smtp' && (finding.outcome.capabilities?.mechanisms.length ?? 0) === 0
            ? 'no AUTH: a relay for incoming mail, not for clients'
            : !finding.outcome.tls?.certificate.ok
              ? 'certificate refused by clients'
              : 'a preferred entry above covers it';
      lines.push(`#   ${describeFinding(finding)} (${why})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
