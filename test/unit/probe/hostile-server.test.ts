import { createServer, type Server, type Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { makeDialer } from '../../../src/probe/dialer';
import { probe } from '../../../src/probe/probe';

/** Servers that misbehave on purpose: a probe must end, with a reason, in bounded time. */
describe('the probe against hostile servers', () => {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function serve(onConnection: (socket: Socket) => void): Promise<number> {
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  const options = (port: number, timeoutMs = 200) => ({
    dialer: makeDialer({
      lookup: () => Promise.reject(new Error('no DNS in this test')),
      connectTo: [{ host: '', port: 0, address: '127.0.0.1', connectPort: port }],
    }),
    tls: { ca: [...rootCertificates] },
    timeoutMs,
    now: new Date(),
  });

  it('one that trickles lines forever is cut off after a few steps', async () => {
    const port = await serve((socket) => {
      socket.write('* OK hello\r\n');
      const timer = setInterval(() => socket.write('* CAPABILITY IMAP4rev1\r\n'), 20);
      socket.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    // Each line comes well within the step timeout, even on a loaded machine.
    const outcome = await probe(
      { protocol: 'imap', host: 'imap.test', port: 143, security: 'starttls' },
      options(port, 1000),
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.message).toContain('the dialogue took longer than 6000 ms');
    expect(Date.now() - started).toBeLessThan(9000);
  });

  it('one that sends an endless line is refused', async () => {
    const port = await serve((socket) => socket.write('* OK ' + 'x'.repeat(64 * 1024)));
    const outcome = await probe(
      { protocol: 'imap', host: 'imap.test', port: 143, security: 'starttls' },
      options(port),
    );
    expect(outcome.error?.message).toMatch(/a line longer than|not an IMAP greeting/);
  });

  it('one that never greets times out', async () => {
    const port = await serve(() => undefined);
    const outcome = await probe(
      { protocol: 'smtp', host: 'smtp.test', port: 587, security: 'starttls' },
      options(port),
    );
    expect(outcome.error).toEqual({ stage: 'dialogue', message: 'no answer within 200 ms' });
  });

  it('control characters from a server never reach the report', async () => {
    const port = await serve((socket) => socket.write('220 evil\u001b[31m\u0007 ready\r\n'));
    const outcome = await probe(
      { protocol: 'imap', host: 'imap.test', port: 143, security: 'starttls' },
      options(port),
    );
    expect(outcome.error?.message).toBe('not an IMAP greeting: 220 evil?[31m? ready');
  });
});
