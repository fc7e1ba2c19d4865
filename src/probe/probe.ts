import { judgeCertificate, type CertificateVerdict } from './certificate';
import { LineConnection, ProbeError, type TlsOptions } from './connection';
import type { Capabilities, Dialect, MailProtocol } from './dialect';
import type { Dialer } from './dialer';
import { imapDialect, printable } from './imap';
import { pop3Dialect } from './pop3';
import { smtpDialect } from './smtp';

export type ProbeSecurity = 'tls' | 'starttls' | 'none';

export interface ProbeTarget {
  readonly protocol: MailProtocol;
  readonly host: string;
  readonly port: number;
  readonly security: ProbeSecurity;
}

export interface ProbeOptions {
  readonly dialer: Dialer;
  readonly tls: TlsOptions;
  readonly timeoutMs: number;
  readonly now: Date;
}

/** What one connection with the given security found. */
export interface ProbeOutcome {
  readonly target: ProbeTarget;
  /** A greeting of the right protocol came, and TLS (if asked for) was set up. */
  readonly ok: boolean;
  readonly error?: { readonly stage: ProbeError['stage']; readonly message: string };
  /** On a plain connection: STARTTLS/STLS was offered. */
  readonly starttlsOffered?: boolean;
  readonly tls?: { readonly protocol: string; readonly certificate: CertificateVerdict };
  /** Capabilities on the connection as a client would log in (after TLS). */
  readonly capabilities?: Capabilities;
}

const DIALECTS: Record<MailProtocol, () => Dialect> = {
  imap: imapDialect,
  pop3: pop3Dialect,
  smtp: smtpDialect,
};

interface Session {
  readonly connection: LineConnection;
  readonly dialect: Dialect;
  readonly outcome: ProbeOutcome;
}

async function openSession(target: ProbeTarget, options: ProbeOptions): Promise<Session | ProbeOutcome> {
  const dialect = DIALECTS[target.protocol]();
  let connection: LineConnection | undefined;
  const failed = (error: unknown, extra: Partial<ProbeOutcome> = {}): ProbeOutcome => {
    connection?.close();
    const probeError =
      error instanceof ProbeError
        ? error
        : new ProbeError('dialogue', error instanceof Error ? error.message : String(error));
    return { target, ok: false, error: { stage: probeError.stage, message: probeError.message }, ...extra };
  };
  try {
    const dial = await options.dialer.dial(target.host, target.port);
    connection = await LineConnection.open(
      dial,
      target.security === 'tls' ? 'tls' : 'plain',
      options.tls,
      options.timeoutMs,
    );
    await dialect.greeting(connection);
    let capabilities = await dialect.capabilities(connection);
    let starttlsOffered: boolean | undefined;
    if (target.security !== 'tls') {
      starttlsOffered = capabilities.starttls;
      if (target.security === 'starttls') {
        if (!capabilities.starttls)
          return failed(
            new ProbeError(
              'starttls',
              `the server does not offer ${target.protocol === 'pop3' ? 'STLS' : 'STARTTLS'}`,
            ),
            {
              starttlsOffered,
              capabilities,
            },
          );
        if (!(await dialect.startTls(connection)))
          return failed(new ProbeError('starttls', 'the server refused STARTTLS'), { starttlsOffered });
        await connection.startTls(options.tls);
        // Capabilities before TLS may be forged; clients ask again (RFC 3207 §4.2, RFC 2595 §3.1).
        capabilities = await dialect.capabilities(connection);
      }
    }
    const tls = connection.tls && {
      protocol: connection.tls.protocol,
      certificate: judgeCertificate(target.host, connection.tls, options.now),
    };
    return {
      connection,
      dialect,
      outcome: {
        target,
        ok: true,
        ...(starttlsOffered !== undefined && { starttlsOffered }),
        ...(tls && { tls }),
        capabilities,
      },
    };
  } catch (error) {
    return failed(error);
  }
}

const isSession = (value: Session | ProbeOutcome): value is Session => 'connection' in value;

/** Connects once with the target's security and reports what was found. */
export async function probe(target: ProbeTarget, options: ProbeOptions): Promise<ProbeOutcome> {
  const session = await openSession(target, options);
  if (!isSession(session)) return session;
  session.dialect.quit(session.connection);
  session.connection.close();
  return session.outcome;
}

/** Each login name tried, on a fresh connection each, and whether the server took it. */
export async function tryLogins(
  target: ProbeTarget,
  usernames: readonly string[],
  password: string,
  options: ProbeOptions,
): Promise<{ username: string; ok: boolean; error?: string }[]> {
  const results: { username: string; ok: boolean; error?: string }[] = [];
  for (const username of usernames) {
    const session = await openSession(target, options);
    if (!isSession(session)) {
      results.push({ username, ok: false, error: session.error?.message ?? 'no connection' });
      continue;
    }
    try {
      const capabilities = session.outcome.capabilities as Capabilities;
      const ok = await session.dialect.login(session.connection, capabilities, username, password);
      results.push({ username, ok });
      session.dialect.quit(session.connection);
    } catch (error) {
      results.push({
        username,
        ok: false,
        error: printable(error instanceof Error ? error.message : String(error)),
      });
    } finally {
      session.connection.close();
    }
  }
  return results;
}
