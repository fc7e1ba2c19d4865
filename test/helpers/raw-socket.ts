import { connect } from 'node:net';

/**
 * Sends raw bytes and collects what comes back (as latin1 text) until the server closes the
 * connection: for requests no HTTP client library would send.
 */
export function rawExchange(at: { host: string; port: number }, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(at.port, at.host, () => socket.write(bytes));
    let text = '';
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}
