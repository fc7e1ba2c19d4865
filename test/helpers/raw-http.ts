import { connect } from 'node:net';

/**
 * Sends raw bytes to 127.0.0.1:`port` and reads until the server closes the connection (requests
 * should say `Connection: close`). The Date header is dropped, so two servers can be compared.
 */
export function exchange(port: number, raw: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A server that answers and closes while we still send may reset: what arrived is the answer.
      if (error.code === 'ECONNRESET' && chunks.length > 0) return;
      reject(error);
    });
    socket.on('close', () =>
      resolve(
        Buffer.concat(chunks)
          .toString('latin1')
          .replace(/\r\nDate: [^\r]*/, ''),
      ),
    );
    // Not end(): a half-closed client makes Node drop answers that are still being computed.
    socket.write(raw);
  });
}

export function rawGet(target: string, headers: Record<string, string> = {}): string {
  const all = { Host: 'autoconfig.example.com', ...headers };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET ${target} HTTP/1.1\r\n${lines.join('')}Connection: close\r\n\r\n`;
}

export function rawPost(
  target: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  contentLength: string | undefined = String(Buffer.byteLength(body)),
): Buffer {
  const all = {
    Host: 'autodiscover.example.com',
    'Content-Type': 'text/xml; charset=utf-8',
    ...(contentLength !== undefined && { 'Content-Length': contentLength }),
    ...headers,
  };
  const head = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return Buffer.concat([
    Buffer.from(`POST ${target} HTTP/1.1\r\n${head.join('')}Connection: close\r\n\r\n`, 'latin1'),
    typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  ]);
}
