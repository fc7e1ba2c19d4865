import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createApp } from '../../src/http/app';
import { createFastPath } from '../../src/http/fast-path';
import type { RequestObserver } from '../../src/http/observe';
import type { AnswerMeta } from '../../src/service/answers';
import type { Snapshot } from '../../src/service/snapshot';
import { exampleSnapshot, FIXED_NOW, poxBody } from '../helpers/example';

/**
 * The same requests go to the Express app alone and to the fast path in front of it, as raw bytes
 * over TCP, and the raw responses must be identical but for the Date header.
 */

let snapshot: Snapshot;
let expressOnly: Server;
let withFastPath: Server;
const answered: AnswerMeta[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}
let ports: { express: number; fast: number };

/** What the request observer (logs, metrics) is told, per server, in order. */
const observed: Record<'express' | 'fast', { status: number; meta: AnswerMeta | undefined }[]> = {
  express: [],
  fast: [],
};
function recorder(into: { status: number; meta: AnswerMeta | undefined }[]): RequestObserver {
  return (_req, res, meta, startedAt) => {
    expect(typeof startedAt).toBe('bigint');
    into.push({ status: res.statusCode, meta });
  };
}

beforeAll(async () => {
  snapshot = await exampleSnapshot();
  const app = (observe: RequestObserver) =>
    createApp({ snapshot: () => snapshot, now: () => FIXED_NOW, observe });
  const fastObserver = recorder(observed.fast);
  const fast = createFastPath({
    snapshot: () => snapshot,
    now: () => FIXED_NOW,
    observe: (req, res, meta, startedAt) => {
      expect(res.headersSent).toBe(true);
      if (meta) answered.push(meta);
      fastObserver(req, res, meta, startedAt);
    },
  });
  const appBehindFast = app(fastObserver);
  expressOnly = createServer(app(recorder(observed.express)));
  withFastPath = createServer((req, res) => {
    if (!fast(req, res)) void appBehindFast(req, res);
  });
  ports = { express: await listen(expressOnly), fast: await listen(withFastPath) };
});

afterAll(async () => {
  await Promise.all([expressOnly, withFastPath].map((s) => new Promise((r) => s.close(r))));
});

/** Sends raw bytes, reads until the server closes (every request says Connection: close), drops Date. */
function exchange(port: number, raw: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
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

function get(target: string, headers: Record<string, string> = { Host: 'autoconfig.example.com' }): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET ${target} HTTP/1.1\r\n${lines.join('')}Connection: close\r\n\r\n`;
}

function post(
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

const AC = '/mail/config-v1.1.xml';
const AD = '/autodiscover/autodiscover.xml';
const MOBILESYNC = [
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006',
] as const;

/** [what, raw request, served by the fast path?] */
const CASES: [string, string | Buffer, boolean][] = [
  ['autoconfig by address', get(`${AC}?emailaddress=alice%40example.com`), true],
  ['autoconfig by raw @', get(`${AC}?emailaddress=alice@example.com`), true],
  ['autoconfig, well-known path', get(`/.well-known/autoconfig${AC}?emailaddress=bob%40example.net`), true],
  ['autoconfig for an alias', get(`${AC}?emailaddress=carol%40example.org`), true],
  ['autoconfig, upper-case domain', get(`${AC}?emailaddress=Alice%40EXAMPLE.COM`), true],
  ['autoconfig, unknown domain', get(`${AC}?emailaddress=alice%40unknown.example`), true],
  ['autoconfig by Host', get(AC, { Host: 'autoconfig.example.com' }), true],
  ['autoconfig by bare Host with port', get(AC, { Host: 'EXAMPLE.NET:8443' }), true],
  ['autoconfig by unknown Host', get(AC, { Host: 'autoconfig.unknown.example' }), true],
  ['autoconfig by IP Host', get(AC, { Host: '127.0.0.1:8080' }), true],
  ['autoconfig, upper-case path', get('/MAIL/Config-v1.1.xml?emailaddress=alice%40example.com'), true],
  ['autoconfig, invalid address', get(`${AC}?emailaddress=alice%40%40example.com`), false],
  ['autoconfig, markup in address', get(`${AC}?emailaddress=%3Cb%3E%40example.com`), false],
  ['autoconfig, plus address', get(`${AC}?emailaddress=alice%2Btag%40example.com`), false],
  [
    'autoconfig, repeated address',
    get(`${AC}?emailaddress=a%40example.com&emailaddress=b%40example.com`),
    false,
  ],
  ['autoconfig, other parameter', get(`${AC}?emailaddress=alice%40example.com&x=1`), false],
  ['autoconfig, empty query', get(`${AC}?`), false],
  ['autoconfig, trailing slash', get(`${AC}/?emailaddress=alice%40example.com`), false],
  ['autoconfig, HEAD', get(AC).replace('GET', 'HEAD'), false],
  ['autoconfig, DELETE', get(AC).replace('GET', 'DELETE'), false],
  ['autoconfig, GET with a body', get(AC, { Host: 'example.com', 'Content-Length': '2' }) + 'hi', false],
  ['autodiscover, Outlook', post(AD, poxBody('alice@example.com')), true],
  ['autodiscover, localpart login', post(AD, poxBody('bob@example.net')), true],
  [
    'autodiscover, Outlook path case',
    post('/Autodiscover/Autodiscover.xml', poxBody('alice@example.com')),
    true,
  ],
  ['autodiscover, ActiveSync', post(AD, poxBody('alice@example.com', ...MOBILESYNC)), true],
  ['autodiscover, unknown domain', post(AD, poxBody('alice@unknown.example')), true],
  ['autodiscover, invalid address', post(AD, poxBody('alice@@example.com')), true],
  ['autodiscover, schema not offered', post(AD, poxBody('alice@example.com', 'urn:other')), true],
  ['autodiscover, not XML', post(AD, 'hello'), true],
  ['autodiscover, DTD', post(AD, '<!DOCTYPE x [<!ENTITY a "b">]><Autodiscover/>'), true],
  ['autodiscover, not UTF-8', post(AD, Buffer.from([0x3c, 0xff, 0xfe, 0x3e])), true],
  [
    'autodiscover, unusual content type',
    post(AD, poxBody('alice@example.com'), { 'Content-Type': 'x/y' }),
    false,
  ],
  [
    'autodiscover, XML content type with a suffix',
    post(AD, poxBody('alice@example.com'), { 'Content-Type': 'application/autodiscover+xml' }),
    true,
  ],
  ['autodiscover, empty body', post(AD, ''), false],
  ['autodiscover, body over the limit', post(AD, 'x'.repeat(16 * 1024 + 1)), false],
  ['autodiscover, no length', post(AD, '', {}, undefined), false],
  [
    'autodiscover, chunked',
    post(AD, `5\r\nhello\r\n0\r\n\r\n`, { 'Transfer-Encoding': 'chunked' }, undefined),
    false,
  ],
  [
    'autodiscover, compressed',
    post(AD, gzipSync(poxBody('alice@example.com')), { 'Content-Encoding': 'gzip' }),
    false,
  ],
  ['autodiscover, GET', get(AD, { Host: 'autodiscover.example.com' }), false],
  [
    'autodiscover, PUT',
    post(AD, poxBody('alice@example.com')).toString('latin1').replace('POST', 'PUT'),
    false,
  ],
  ['unknown path', get('/index.html'), false],
];

describe('the fast path', () => {
  it.each(CASES)('%s: answers byte for byte as the Express app', async (_what, raw, served) => {
    answered.length = 0;
    observed.express.length = 0;
    observed.fast.length = 0;
    const viaExpress = await exchange(ports.express, raw);
    const viaFast = await exchange(ports.fast, raw);
    expect(viaExpress).toMatch(/^HTTP\/1\.1 \d{3} /);
    expect(viaFast).toBe(viaExpress);
    // Logs and metrics are told the same about the request, whichever path answered it.
    // (Requests Node itself refuses, like a body with two lengths, never reach either observer.)
    const rejectedByNode = / 400 Bad Request\r\nConnection: close\r\n\r\n$/.test(viaExpress);
    const expected = rejectedByNode ? 0 : 1;
    for (let waited = 0; observed.express.length + observed.fast.length < 2 * expected && waited < 2000;) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      waited += 10;
    }
    expect(observed.fast).toEqual(observed.express);
    expect(observed.fast).toHaveLength(expected);
    expect(answered).toHaveLength(served ? 1 : 0);
  });

  it('sends the security headers helmet sets', async () => {
    const response = await exchange(ports.fast, get(`${AC}?emailaddress=alice%40example.com`));
    expect(answered.at(-1)).toEqual({
      protocol: 'autoconfig',
      outcome: 'ok',
      domain: 'example.com',
      localPart: 'alice',
    });
    for (const header of [
      'Content-Security-Policy: ',
      'Strict-Transport-Security: ',
      'X-Content-Type-Options: nosniff',
      'Content-Type: application/xml; charset=utf-8',
    ])
      expect(response).toContain(`\r\n${header}`);
    expect(response).not.toContain('X-Powered-By');
  });

  it('answers several requests on one keep-alive connection', async () => {
    const one = get(`${AC}?emailaddress=alice%40example.com`).replace('Connection: close\r\n', '');
    const last = post(AD, poxBody('bob@example.net'));
    const response = await exchange(ports.fast, Buffer.concat([Buffer.from(one + one), last]));
    expect(response.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(3);
    expect(response).toContain('<LoginName>bob</LoginName>');
  });
});

describe('the fast path when answering fails', () => {
  let broken: { express: Server; fast: Server; ports: { express: number; fast: number } };
  const reported: unknown[] = [];

  beforeAll(async () => {
    const failing = (): Snapshot => {
      throw new Error('snapshot unavailable');
    };
    const app = createApp({ snapshot: failing, now: () => FIXED_NOW });
    const fast = createFastPath({ snapshot: failing, onError: (error) => reported.push(error) });
    const express = createServer(app);
    const withFast = createServer((req, res) => {
      if (!fast(req, res)) void app(req, res);
    });
    broken = {
      express,
      fast: withFast,
      ports: { express: await listen(express), fast: await listen(withFast) },
    };
  });

  afterAll(async () => {
    await Promise.all([broken.express, broken.fast].map((s) => new Promise((r) => s.close(r))));
  });

  it.each([
    ['autoconfig', get(`${AC}?emailaddress=alice%40example.com`)],
    ['autodiscover', post(AD, poxBody('alice@example.com'))],
  ])('%s: answers the same plain 500 as the Express app, without details', async (_what, raw) => {
    const viaExpress = await exchange(broken.ports.express, raw);
    const viaFast = await exchange(broken.ports.fast, raw);
    expect(viaExpress).toMatch(/^HTTP\/1\.1 500 /);
    expect(viaExpress).not.toContain('snapshot unavailable');
    expect(viaFast).toBe(viaExpress);
  });

  it('reports the error it answered for', () => {
    expect(reported).toEqual([expect.objectContaining({ message: 'snapshot unavailable' })]);
  });
});
