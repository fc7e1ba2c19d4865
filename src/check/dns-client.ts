import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIP, Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import { normalizeIpAddress } from '../core/address';
import type { Endpoint } from './endpoint';

export type QueryType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'SRV';

/** What a resolver said about one name and type, in the form the comparison logic reads. */
export type Lookup =
  | { readonly status: 'ok'; readonly answers: readonly dnsPacket.Answer[] }
  | { readonly status: 'nxdomain' | 'nodata'; readonly answers: readonly dnsPacket.Answer[] }
  | { readonly status: 'error'; readonly message: string };

export interface DnsClientOptions {
  readonly server: Endpoint;
  readonly timeoutMs?: number;
  /** UDP attempts before giving up on a silent server. */
  readonly tries?: number;
}

const DEFAULT_TIMEOUT_MS = 3000;
/** EDNS0 lets a resolver answer with more than 512 bytes over UDP before it has to truncate. */
const EDNS_UDP_SIZE = 1232;

/**
 * A stub resolver built on dns-packet: UDP first, TCP when the answer comes back truncated
 * (RFC 7766), like the resolvers mail clients use. Recursion is requested; no DNSSEC validation.
 */
export class DnsClient {
  private readonly timeoutMs: number;
  private readonly tries: number;

  constructor(private readonly options: DnsClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.tries = options.tries ?? 2;
  }

  async lookup(name: string, type: QueryType): Promise<Lookup> {
    const id = randomInt(0, 65536);
    const query = dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type, name, class: 'IN' }],
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: EDNS_UDP_SIZE,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    });
    try {
      let response: dnsPacket.Packet | undefined;
      let lastError: unknown;
      for (let attempt = 0; attempt < this.tries && !response; attempt++) {
        try {
          response = await this.udp(query, id);
        } catch (error) {
          lastError = error;
        }
      }
      if (!response) throw lastError;
      if ((response.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) response = await this.tcp(query, id);
      return interpret(response, name, type);
    } catch (error) {
      return { status: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }

  private udp(query: Buffer, id: number): Promise<dnsPacket.Packet> {
    const { host, port } = this.options.server;
    return new Promise((resolve, reject) => {
      const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
      const timer = setTimeout(
        () => finish(new Error(`no answer from ${host} port ${port} within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const finish = (error: Error | undefined, packet?: dnsPacket.Packet) => {
        clearTimeout(timer);
        socket.close();
        if (error) reject(error);
        else resolve(packet as dnsPacket.Packet);
      };
      socket.on('error', (error) => finish(error));
      socket.on('message', (message, peer) => {
        // Only the server asked may answer: anything else on this port could be a spoofed reply.
        if (peer.port !== port || normalizeIp(peer.address) !== normalizeIp(host)) return;
        let packet: dnsPacket.Packet;
        try {
          packet = dnsPacket.decode(message);
        } catch {
          return; // not a DNS message: keep waiting for the real answer
        }
        if (packet.id === id) finish(undefined, packet);
      });
      socket.send(query, port, host, (error) => {
        if (error) finish(error);
      });
    });
  }

  private tcp(query: Buffer, id: number): Promise<dnsPacket.Packet> {
    const { host, port } = this.options.server;
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      let received = Buffer.alloc(0);
      const timer = setTimeout(
        () => finish(new Error(`no TCP answer from ${host} port ${port} within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const finish = (error: Error | undefined, packet?: dnsPacket.Packet) => {
        clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(packet as dnsPacket.Packet);
      };
      socket.on('error', (error) => finish(error));
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
        try {
          const packet = dnsPacket.streamDecode(received);
          if (packet.id === id) finish(undefined, packet);
          else finish(new Error('TCP answer does not match the query'));
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
        }
      });
      socket.connect(port, host, () => socket.write(dnsPacket.streamEncode(dnsPacket.decode(query))));
    });
  }
}

const RCODE_NXDOMAIN = 'NXDOMAIN';

const normalizeIp = (address: string) => (isIP(address) === 6 ? normalizeIpAddress(address) : address);

function interpret(response: dnsPacket.Packet, name: string, type: QueryType): Lookup {
  const rcode = (response as { rcode?: string }).rcode ?? 'NOERROR';
  const answers = response.answers ?? [];
  if (rcode === RCODE_NXDOMAIN) return { status: 'nxdomain', answers };
  if (rcode !== 'NOERROR')
    return { status: 'error', message: `the resolver answered ${rcode} for ${name} ${type}` };
  return answers.some((answer) => answer.type === type)
    ? { status: 'ok', answers }
    : { status: 'nodata', answers };
}
