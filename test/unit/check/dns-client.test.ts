import { createSocket } from 'node:dgram';
import { DnsClient } from '../../../src/check/dns-client';
import { startDnsServer } from '../../helpers/dns-server';

describe('DnsClient (dns-packet over UDP, TCP on truncation)', () => {
  const records = [
    {
      name: '_imaps._tcp.example.com',
      type: 'SRV' as const,
      ttl: 60,
      data: { priority: 0, weight: 1, port: 993, target: 'imap.example.com' },
    },
    { name: 'imap.example.com', type: 'A' as const, ttl: 60, data: '192.0.2.25' },
  ];

  it.each([false, true])('answers ok / nodata / nxdomain (truncated UDP: %s)', async (truncateUdp) => {
    const server = await startDnsServer(records, { truncateUdp });
    try {
      const client = new DnsClient({ server: { host: '127.0.0.1', port: server.port } });
      const srv = await client.lookup('_imaps._tcp.example.com', 'SRV');
      expect(srv).toMatchObject({
        status: 'ok',
        answers: [{ type: 'SRV', data: { priority: 0, weight: 1, port: 993, target: 'imap.example.com' } }],
      });
      expect(await client.lookup('imap.example.com', 'AAAA')).toMatchObject({ status: 'nodata' });
      expect(await client.lookup('nothing.example.com', 'A')).toMatchObject({ status: 'nxdomain' });
      expect(server.queries.every((q) => q.transport === 'udp')).toBe(!truncateUdp);
    } finally {
      await server.close();
    }
  });

  it('gives up on a silent server with a clear message', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const client = new DnsClient({
        server: { host: '127.0.0.1', port: silent.address().port },
        timeoutMs: 150,
        tries: 2,
      });
      const result = await client.lookup('example.com', 'MX');
      expect(result).toEqual({
        status: 'error',
        message: `no answer from 127.0.0.1 port ${silent.address().port} within 150 ms`,
      });
    } finally {
      silent.close();
    }
  });
});
