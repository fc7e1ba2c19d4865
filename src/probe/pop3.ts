import { ProbeError, type LineConnection } from './connection';
import { plainSasl, type Capabilities, type Dialect } from './dialect';
import { printable } from './imap';

/** POP3 (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595) and AUTH (RFC 5034). */
export function pop3Dialect(): Dialect {
  const ok = (line: string) => line.startsWith('+OK');
  const command = async (connection: LineConnection, text: string) => {
    connection.write(text);
    return connection.readLine();
  };
  return {
    protocol: 'pop3',
    async greeting(connection) {
      const line = await connection.readLine();
      if (!ok(line)) throw new ProbeError('greeting', `not a POP3 greeting: ${printable(line)}`);
      return line;
    },
    async capabilities(connection) {
      const first = await command(connection, 'CAPA');
      const words: string[] = [];
      if (ok(first))
        for (;;) {
          const line = await connection.readLine();
          if (line === '.') break;
          words.push(line.toUpperCase());
        }
      const sasl = words.find((line) => line.startsWith('SASL'));
      return {
        starttls: words.includes('STLS'),
        mechanisms: sasl ? sasl.split(' ').slice(1).filter(Boolean) : [],
        // USER/PASS is there unless CAPA says otherwise (RFC 2449 lists USER when it is offered).
        plainLogin: words.length === 0 || words.includes('USER'),
      } satisfies Capabilities;
    },
    async startTls(connection) {
      return ok(await command(connection, 'STLS'));
    },
    async login(connection, capabilities, username, password) {
      if (/[\r\n]/.test(username + password))
        throw new ProbeError('dialogue', 'a line break in the login or password');
      // USER/PASS first, as most POP3 clients log in.
      if (capabilities.plainLogin) {
        if (!ok(await command(connection, `USER ${username}`))) return false;
        return ok(await command(connection, `PASS ${password}`));
      }
      if (!capabilities.mechanisms.includes('PLAIN')) return false;
      const line = await command(connection, 'AUTH PLAIN');
      if (!line.startsWith('+ ') && line !== '+') return false;
      return ok(await command(connection, plainSasl(username, password)));
    },
    quit(connection) {
      connection.write('QUIT');
    },
  };
}
