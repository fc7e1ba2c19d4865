import { ProbeError, type LineConnection } from './connection';
import { base64, plainSasl, type Capabilities, type Dialect } from './dialect';

/** IMAP4rev1 (RFC 3501): greeting, CAPABILITY, STARTTLS, AUTHENTICATE PLAIN or LOGIN. */
export function imapDialect(): Dialect {
  let tagNumber = 0;
  const command = async (connection: LineConnection, text: string) => {
    const tag = `p${++tagNumber}`;
    connection.write(`${tag} ${text}`);
    const untagged: string[] = [];
    for (;;) {
      const line = await connection.readLine();
      if (line.startsWith(`${tag} `)) return { status: line.slice(tag.length + 1), untagged };
      untagged.push(line);
    }
  };
  const ok = (status: string) => /^OK\b/i.test(status);

  return {
    protocol: 'imap',
    async greeting(connection) {
      const line = await connection.readLine();
      if (!/^\* (OK|PREAUTH)\b/i.test(line))
        throw new ProbeError('greeting', `not an IMAP greeting: ${printable(line)}`);
      return line;
    },
    async capabilities(connection) {
      const { status, untagged } = await command(connection, 'CAPABILITY');
      if (!ok(status)) throw new ProbeError('dialogue', `CAPABILITY refused: ${printable(status)}`);
      const words = untagged
        .filter((line) => /^\* CAPABILITY /i.test(line))
        .flatMap((line) => line.slice('* CAPABILITY '.length).split(' '))
        .map((word) => word.toUpperCase());
      return capabilitiesOf(words);
    },
    async startTls(connection) {
      const { status } = await command(connection, 'STARTTLS');
      return ok(status);
    },
    async login(connection, capabilities, username, password) {
      if (capabilities.mechanisms.includes('PLAIN')) {
        const tag = `p${++tagNumber}`;
        connection.write(`${tag} AUTHENTICATE PLAIN`);
        for (;;) {
          const line = await connection.readLine();
          if (line.startsWith('+')) connection.write(plainSasl(username, password));
          else if (line.startsWith(`${tag} `)) return ok(line.slice(tag.length + 1));
        }
      }
      if (!capabilities.plainLogin) return false;
      const { status } = await command(connection, `LOGIN ${literalSafe(username)} ${literalSafe(password)}`);
      return ok(status);
    },
    quit(connection) {
      connection.write(`p${++tagNumber} LOGOUT`);
    },
  };
}

function capabilitiesOf(words: readonly string[]): Capabilities {
  return {
    starttls: words.includes('STARTTLS'),
    mechanisms: words.filter((word) => word.startsWith('AUTH=')).map((word) => word.slice(5)),
    plainLogin: !words.includes('LOGINDISABLED'),
  };
}

/** An IMAP quoted string; names and passwords with line breaks cannot be sent this way. */
function literalSafe(text: string): string {
  if (/[\r\n]/.test(text)) throw new ProbeError('dialogue', 'a line break in the login or password');
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Server text shown in a report: printable ASCII only, at most 200 characters. */
export function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

export { base64 };
