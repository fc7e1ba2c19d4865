import { ProbeError, type LineConnection } from './connection';
import { base64, plainSasl, type Capabilities, type Dialect } from './dialect';
import { printable } from './imap';

/** The client name sent in EHLO (RFC 5321 allows an address literal when there is no name). */
const EHLO_NAME = '[127.0.0.1]';

/** SMTP submission (RFC 6409) with EHLO, STARTTLS (RFC 3207) and AUTH (RFC 4954). */
export function smtpDialect(): Dialect {
  /** A reply, possibly multi-line (`250-…` then `250 …`). */
  const reply = async (connection: LineConnection) => {
    const lines: string[] = [];
    for (;;) {
      const line = await connection.readLine();
      if (!/^\d{3}[ -]/.test(line) && !/^\d{3}$/.test(line))
        throw new ProbeError('dialogue', `not an SMTP reply: ${printable(line)}`);
      lines.push(line.slice(4));
      if (line[3] !== '-') return { code: Number(line.slice(0, 3)), lines };
    }
  };
  const command = async (connection: LineConnection, text: string) => {
    connection.write(text);
    return reply(connection);
  };
  return {
    protocol: 'smtp',
    async greeting(connection) {
      const line = await connection.readLine();
      if (!/^220[ -]/.test(line))
        throw new ProbeError('greeting', `not an SMTP greeting: ${printable(line)}`);
      // The rest of a multi-line greeting.
      let last = line;
      while (last[3] === '-') last = await connection.readLine();
      return line;
    },
    async capabilities(connection) {
      const { code, lines } = await command(connection, `EHLO ${EHLO_NAME}`);
      if (code !== 250) throw new ProbeError('dialogue', `EHLO refused with ${code}`);
      const words = lines.map((line) => line.toUpperCase());
      const auth = words.find((line) => /^AUTH[ =]/.test(line));
      return {
        starttls: words.includes('STARTTLS'),
        mechanisms: auth ? auth.slice(5).split(' ').filter(Boolean) : [],
        plainLogin: false,
      } satisfies Capabilities;
    },
    async startTls(connection) {
      return (await command(connection, 'STARTTLS')).code === 220;
    },
    async login(connection, capabilities, username, password) {
      if (capabilities.mechanisms.includes('PLAIN'))
        return (await command(connection, `AUTH PLAIN ${plainSasl(username, password)}`)).code === 235;
      if (capabilities.mechanisms.includes('LOGIN')) {
        if ((await command(connection, 'AUTH LOGIN')).code !== 334) return false;
        if ((await command(connection, base64(username))).code !== 334) return false;
        return (await command(connection, base64(password))).code === 235;
      }
      return false;
    },
    quit(connection) {
      connection.write('QUIT');
    },
  };
}
