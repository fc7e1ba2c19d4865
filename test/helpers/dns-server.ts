import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import dnsPacket from 'dns-packet';

export type TestRecord = Exclude<dnsPacket.Answer, dnsPacket.OptAnswer>;

export interface TestDnsServer {
  readonly port: number;
  /** Every question received, with the transport it came over. */
  readonly queries: { transport: 'udp' | 'tcp'; name: string; type: string }[];
  close(): Promise<void>;
}

const NXDOMAIN = 3;
const MAX_CNAME_CHAIN = 8;

/**
 * An authoritative-style DNS server for tests on 127.0.0.1, UDP and TCP on the same random port,
 * answering from a fixed record list and following CNAMEs like a recursive resolver would.
 * With `truncateUdp`, every UDP answer is empty and truncated, so clients must retry over TCP.
 */
export async function startDnsServer(
  records: readonly TestRecord[],
  options: { truncateUdp?: boolean } = {},
): Promise<TestDnsServer> {
  const queries: TestDnsServer['queries'] = [];
  const lower = (name: string) => name.toLowerCase().replace(/\.$/, '');
  const exists = (name: string) =>
    records.some((r) => lower(r.name) === name || lower(r.name).endsWith(`.${name}`));

  const answer = (query: dnsPacket.Packet, transport: 'udp' | 'tcp'): Buffer => {
    const question = query.questions?.[0];
    const base = { type: 'response' as const, id: query.id ?? 0, questions: query.questions ?? [] };
    const flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE;
    if (!question) return dnsPacket.encode({ ...base, flags });
    queries.push({ transport, name: lower(question.name), type: question.type });
    if (transport === 'udp' && options.truncateUdp)
      return dnsPacket.encode({ ...base, flags: flags | dnsPacket.TRUNCATED_RESPONSE });
    const answers: TestRecord[] = [];
    let name = lower(question.name);
    for (let hop = 0; hop < MAX_CNAME_CHAIN; hop++) {
      const here = records.filter((r) => lower(r.name) === name);
      const matching = here.filter((r) => r.type === question.type);
      if (matching.length > 0) {
        answers.push(...matching);
        break;
      }
      const cname = here.find((r) => r.type === 'CNAME');
      if (!cname) break;
      answers.push(cname);
      name = lower(cname.data as string);
    }
    const rcode = answers.length === 0 && !exists(lower(question.name)) ? NXDOMAIN : 0;
    return dnsPacket.encode({ ...base, flags: flags | dnsPacket.AUTHORITATIVE_ANSWER | rcode, answers });
  };

  for (;;) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve());
    });
    const port = udp.address().port;
    const tcp = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!listening) {
      udp.close();
      continue; // the TCP side of this port is taken: try another
    }
    serveUdp(udp, (packet) => answer(packet, 'udp'));
    const sockets = serveTcp(tcp, (packet) => answer(packet, 'tcp'));
    return {
      port,
      queries,
      close: async () => {
        udp.close();
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => tcp.close(() => resolve()));
      },
    };
  }
}

function serveUdp(udp: UdpSocket, respond: (packet: dnsPacket.Packet) => Buffer): void {
  udp.on('message', (message, peer) => {
    try {
      udp.send(respond(dnsPacket.decode(message)), peer.port, peer.address);
    } catch {
      // a malformed query gets no answer, as from a real server
    }
  });
}

function serveTcp(tcp: Server, respond: (packet: dnsPacket.Packet) => Buffer): Set<Socket> {
  const sockets = new Set<Socket>();
  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const length = buffer.readUInt16BE(0);
        const query = dnsPacket.decode(buffer.subarray(2, 2 + length));
        buffer = buffer.subarray(2 + length);
        const reply = respond(query);
        const framed = Buffer.alloc(2 + reply.length);
        framed.writeUInt16BE(reply.length, 0);
        reply.copy(framed, 2);
        socket.write(framed);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  return sockets;
}
