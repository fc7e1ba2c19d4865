import type { LineConnection } from './connection';

export type MailProtocol = 'imap' | 'pop3' | 'smtp';

/** What a server says it can do, read before and after TLS. */
export interface Capabilities {
  /** STARTTLS (IMAP, SMTP) or STLS (POP3) is offered. */
  readonly starttls: boolean;
  /** SASL mechanisms offered, upper case. */
  readonly mechanisms: readonly string[];
  /** A password login outside SASL (IMAP LOGIN, POP3 USER/PASS) is allowed. */
  readonly plainLogin: boolean;
}

/** One mail protocol's side of a short client dialogue. */
export interface Dialect {
  readonly protocol: MailProtocol;
  /** Reads the greeting; throws when it is not this protocol's. */
  greeting(connection: LineConnection): Promise<string>;
  capabilities(connection: LineConnection): Promise<Capabilities>;
  /** Asks for TLS; true when the server agreed (then the caller upgrades the socket). */
  startTls(connection: LineConnection): Promise<boolean>;
  /** Tries a password login; true when the server accepted it. */
  login(
    connection: LineConnection,
    capabilities: Capabilities,
    username: string,
    password: string,
  ): Promise<boolean>;
  quit(connection: LineConnection): void;
}

export const plainSasl = (username: string, password: string) =>
  Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');

export const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
