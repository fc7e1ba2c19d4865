import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Socks5Proxy {
  readonly port: number;
  /** Every `host:port` a client asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A minimal SOCKS5 proxy (RFC 1928, CONNECT, no authentication) on 127.0.0.1 that sends each
 * requested host:port wherever `route` says: a client that takes a proxy gets its host names and
 * standard ports without /etc/hosts, root or any outside host. Unrouted requests are refused.
 */
export async function startSocks5Proxy(
  route: (host: string, port: number) => { host: string; port: number } | undefined,
): Promise<Socks5Proxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let buffer = Buffer.alloc(0);
    let stage: 'greeting' | 'request' | 'piping' = 'greeting';
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (stage === 'greeting') {
        if (buffer.length < 2 || buffer.length < 2 + (buffer[1] ?? 0)) return;
        const methods = buffer.subarray(2, 2 + (buffer[1] ?? 0));
        buffer = buffer.subarray(2 + (buffer[1] ?? 0));
        if (!methods.includes(0)) {
          client.end(Buffer.from([5, 0xff]));
          return;
        }
        client.write(Buffer.from([5, 0]));
        stage = 'request';
      }
      if (stage === 'request') {
        if (buffer.length < 5) return;
        const command = buffer[1];
        const type = buffer[3];
        let host: string;
        let end: number;
        if (type === 1) {
          end = 4 + 4;
          if (buffer.length < end + 2) return;
          host = [...buffer.subarray(4, 8)].join('.');
        } else if (type === 3) {
          const length = buffer[4] ?? 0;
          end = 5 + length;
          if (buffer.length < end + 2) return;
          host = buffer.subarray(5, end).toString('latin1');
        } else {
          client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
          return;
        }
        const port = buffer.readUInt16BE(end);
        buffer = buffer.subarray(end + 2);
        requests.push(`${host}:${port}`);
        const target = route(host.toLowerCase(), port);
        if (command !== 1 || !target) {
          // 7 = command not supported, 5 = connection refused
          client.end(Buffer.from([5, command !== 1 ? 7 : 5, 0, 1, 0, 0, 0, 0, 0, 0]));
          return;
        }
        stage = 'piping';
        client.removeListener('data', onData);
        client.pause();
        const upstream = connect(target.port, target.host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          if (buffer.length > 0) upstream.write(buffer);
          client.pipe(upstream);
          upstream.pipe(client);
          client.resume();
        });
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => {
          if (!client.destroyed) client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
        });
        client.on('close', () => upstream.destroy());
      }
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
