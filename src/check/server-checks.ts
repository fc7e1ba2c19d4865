import type { AuthMethod, MailProtocol, ServerSettings } from '../core/settings';

/** The servers a mail client logs in to with IMAP, POP3 or SMTP (not an Exchange server). */
export type MailServer = ServerSettings & { readonly type: MailProtocol };
import { EXPIRY_WARNING_DAYS, type CertificateVerdict } from '../probe/certificate';
import type { Capabilities } from '../probe/dialect';
import { probe, type ProbeOptions, type ProbeOutcome, type ProbeSecurity } from '../probe/probe';
import { httpsCertificate } from '../probe/tls-certificate';
import { fail, pass, type CheckResult } from './result';

const NAMES = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const;
const STARTTLS_WORD = { imap: 'STARTTLS', pop3: 'STLS', smtp: 'STARTTLS' } as const;

/** The SASL mechanisms (or protocol commands) that let a client use each configured auth method. */
const MECHANISMS: Record<AuthMethod, readonly string[] | 'any'> = {
  'password-cleartext': ['PLAIN', 'LOGIN'],
  'password-encrypted': ['CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'DIGEST-MD5'],
  OAuth2: ['XOAUTH2', 'OAUTHBEARER'],
  NTLM: ['NTLM'],
  GSSAPI: ['GSSAPI'],
  'TLS-client-cert': ['EXTERNAL'],
  'client-IP-address': 'any',
  'smtp-after-pop': 'any',
  none: 'any',
};

/** Whether the server offers a way to log in for at least one of the configured methods. */
export function matchingAuth(
  auth: readonly AuthMethod[],
  capabilities: Capabilities,
): AuthMethod | undefined {
  return auth.find((method) => {
    const wanted = MECHANISMS[method];
    if (wanted === 'any') return true;
    if (method === 'password-cleartext' && capabilities.plainLogin) return true;
    return wanted.some((mechanism) => capabilities.mechanisms.includes(mechanism));
  });
}

function certificateResult(
  subject: string,
  verdict: CertificateVerdict,
  section: CheckResult['section'],
): CheckResult {
  if (!verdict.ok)
    return fail(
      section,
      subject,
      verdict.summary,
      verdict.expired
        ? 'renew the certificate'
        : !verdict.coversHost
          ? `use a certificate that names ${subject.split(':')[0]} (clients refuse any other)`
          : 'use a certificate from a CA that clients trust, with the intermediate certificates sent too',
    );
  if (verdict.daysLeft < EXPIRY_WARNING_DAYS)
    return fail(section, subject, `${verdict.summary}: expires soon`, 'renew the certificate', false);
  return pass(section, subject, verdict.summary);
}

/**
 * Why a connection with the configured security failed, found by trying the other ways: clients
 * only ever try what the config says, so the admin needs to know what would have worked.
 */
async function diagnose(server: MailServer, first: ProbeOutcome, options: ProbeOptions): Promise<string> {
  const error = first.error;
  if (!error) return 'unknown failure';
  if (error.stage === 'connect') return `${error.message}: wrong port or host, or the server is down`;
  if (error.stage === 'greeting' && /: (220|\+OK|\* OK)/.test(error.message))
    return `${error.message}: another service answers on this port (wrong port)`;
  const others: ProbeSecurity[] = (['tls', 'starttls', 'none'] as const).filter((s) => s !== server.security);
  for (const security of others) {
    const other = await probe(
      { protocol: server.type, host: server.host, port: server.port, security },
      options,
    );
    if (other.ok)
      return security === 'none'
        ? `${error.message}; the port speaks plain text only`
        : `${error.message}; the port works with security: ${security}`;
    if (security === 'starttls' && other.error?.stage === 'starttls' && other.starttlsOffered === false)
      return `${error.message}; the port speaks plain text only, without ${STARTTLS_WORD[server.type]}`;
  }
  return error.message;
}

/**
 * Connects to one advertised server with the advertised security, as a client would, and reports
 * the port, the TLS set-up, the certificate and whether a configured auth method is offered.
 */
export async function checkMailServer(server: MailServer, options: ProbeOptions): Promise<CheckResult[]> {
  const subject = `${server.host}:${server.port} ${NAMES[server.type]} ${server.security === 'tls' ? 'TLS' : server.security === 'starttls' ? 'STARTTLS' : 'plain'}`;
  const outcome = await probe(
    { protocol: server.type, host: server.host, port: server.port, security: server.security },
    options,
  );
  if (!outcome.ok) {
    const fix =
      outcome.error?.stage === 'starttls'
        ? `enable ${STARTTLS_WORD[server.type]} on the server, or advertise its implicit-TLS port instead`
        : outcome.error?.stage === 'connect'
          ? 'fix the port or host in the config, or start the service'
          : `make the config say how this port really works (see above), or fix the server`;
    return [fail('servers', subject, await diagnose(server, outcome, options), fix)];
  }
  const results: CheckResult[] = [];
  if (server.security === 'none')
    results.push(
      fail(
        'servers',
        subject,
        'plain text: passwords travel unencrypted, and many clients refuse it',
        `offer ${STARTTLS_WORD[server.type]} or implicit TLS and advertise that instead`,
        false,
      ),
    );
  const capabilities = outcome.capabilities as Capabilities;
  const method = matchingAuth(server.auth, capabilities);
  const offered =
    capabilities.mechanisms.length > 0 ? capabilities.mechanisms.join(' ') : 'no SASL mechanism';
  if (!method)
    results.push(
      fail(
        'servers',
        subject,
        `no matching AUTH mechanism: the server offers ${offered}${capabilities.plainLogin && server.type !== 'smtp' ? ' (and plain login)' : ''}, the config says ${server.auth.join(', ')}`,
        'set `auth:` to what the server offers, or enable the mechanism on the server',
      ),
    );
  else
    results.push(
      pass(
        'servers',
        subject,
        `${outcome.tls ? `${outcome.tls.protocol}, ` : ''}AUTH ${offered} (${method})`,
      ),
    );
  if (outcome.tls)
    results.push(
      certificateResult(`${server.host}:${server.port} certificate`, outcome.tls.certificate, 'servers'),
    );
  return results;
}

/** The certificate of an https name clients fetch settings from (autoconfig., autodiscover.). */
export async function checkHttpsCertificate(
  host: string,
  options: ProbeOptions,
  essential: boolean,
): Promise<CheckResult> {
  const subject = `${host}:443 certificate`;
  const found = await httpsCertificate(host, 443, options);
  if (!found.ok)
    return fail('https', subject, found.error, `serve https on ${host} with a valid certificate`, essential);
  const result = certificateResult(subject, found.verdict, 'https');
  return result.ok ? result : { ...result, essential: essential && result.essential };
}
