import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { Snapshot } from '../../src/catalog/snapshot';
import type { AnswerMeta } from '../../src/endpoints/answer';
import { SERVICE_ENDPOINTS } from '../../src/endpoints/index';
import { admit } from '../../src/http/admission';
import { createService } from '../../src/http/app';
import type { RequestObserver } from '../../src/http/observe';
import { exampleSnapshot, FIXED_NOW, poxBody } from '../helpers/example';
import { exchange, rawGet, rawPost } from '../helpers/raw-http';

/**
 * The pre-router and Express serve requests through the same front door, so every request must get
 * the same bytes (but for Date) and the same observer report whichever of them takes it. Checked on
 * generated requests over real sockets, plus the rules every endpoint shares.
 */

let snapshot: Snapshot;
let withPreRouter: Server;
let expressOnly: Server;
const ports = { pre: 0, express: 0 };
const observed: Record<'pre' | 'express', { status: number; meta: AnswerMeta }[]> = { pre: [], express: [] };

const recorder =
  (into: { status: number; meta: AnswerMeta }[]): RequestObserver =>
  (_req, res, meta) =>
    into.push({ status: res.statusCode, meta });

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  snapshot = await exampleSnapshot();
  const deps = { snapshot: () => snapshot, now: () => FIXED_NOW, rateLimitPerMinute: 1_000_000 };
  const pre = createService({ ...deps, observe: recorder(observed.pre) });
  withPreRouter = createServer((req, res) => {
    if (!pre.preRoute(req, res)) void pre.app(req, res);
  });
  expressOnly = createServer(createService({ ...deps, observe: recorder(observed.express) }).app);
  ports.pre = await listen(withPreRouter);
  ports.express = await listen(expressOnly);
});

afterAll(async () => {
  await Promise.all([withPreRouter, expressOnly].map((s) => new Promise((r) => s.close(r))));
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function both(raw: string | Buffer): Promise<{ pre: string; express: string }> {
  const [pre, express] = await Promise.all([exchange(ports.pre, raw), exchange(ports.express, raw)]);
  return { pre, express };
}

const PATHS = [
  ...SERVICE_ENDPOINTS.flatMap((endpoint) => [
    ...endpoint.paths,
    ...(endpoint.prefix ? [`${endpoint.prefix}alice@example.com`, `${endpoint.prefix}%E0%A4%A`] : []),
  ]),
  '/healthz',
  '/nowhere',
  '/mail//config-v1.1.xml',
  '/mail/config%2Dv1.1.xml',
  'http://evil.example/mail/config-v1.1.xml',
];

const path = fc
  .tuple(fc.constantFrom(...PATHS), fc.array(fc.boolean(), { maxLength: 60 }), fc.boolean())
  .map(([base, upper, slash]) => {
    const cased = [...base].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');
    return slash ? `${cased}/` : cased;
  });

const queryValue = fc.oneof(
  fc.constantFrom(
    'alice%40example.com',
    'alice@example.com',
    'bob%40example.net',
    'a+b%40example.com',
    'x%20y',
    '%E0%A4%A',
    '%',
    'AutodiscoverV1',
    'ActiveSync',
    'autoconfig.example.com',
    'de',
    '',
    '%3Cscript%3E',
  ),
  fc.stringMatching(/^[A-Za-z0-9@%._~-]{0,12}$/),
);
const queryName = fc.constantFrom(
  'emailaddress',
  'EmailAddress',
  'email',
  'Email',
  'protocol',
  'Protocol',
  'domain',
  'lang',
  'x',
  'emailaddress[]',
);
const query = fc
  .array(fc.tuple(queryName, queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([n, v]) => `${n}=${v}`).join('&')}`));

const body = fc.oneof(
  fc.constant(poxBody('alice@example.com')),
  fc.constant(
    poxBody(
      'bob@example.net',
      'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
    ),
  ),
  fc.constant(poxBody('nobody@unknown.example')),
  fc.constant(''),
  fc.string({ maxLength: 40 }),
);

interface GeneratedRequest {
  method: string;
  target: string;
  contentType: string | undefined;
  encoding: string | undefined;
  chunked: boolean;
  body: string;
  host: string;
}

const request: fc.Arbitrary<GeneratedRequest> = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'DELETE'),
  target: fc.tuple(path, query).map(([p, q]) => p + q),
  contentType: fc.constantFrom(
    undefined,
    'text/xml',
    'application/xml; charset=utf-8',
    'multipart/form-data',
    'application/json',
    'application/vnd.x+xml',
  ),
  encoding: fc.constantFrom(undefined, 'gzip', 'identity', 'br'),
  chunked: fc.boolean(),
  body,
  host: fc.constantFrom(
    'autoconfig.example.com',
    'autodiscover.example.com',
    'example.org',
    '127.0.0.1:8080',
  ),
});

function raw(r: GeneratedRequest): Buffer {
  const payload = r.encoding === 'gzip' ? gzipSync(r.body) : Buffer.from(r.body, 'utf8');
  const headers: string[] = [`Host: ${r.host}`];
  if (r.contentType) headers.push(`Content-Type: ${r.contentType}`);
  if (r.encoding) headers.push(`Content-Encoding: ${r.encoding}`);
  const sendsBody = r.method === 'POST' || r.method === 'PUT';
  let bodyBytes = Buffer.alloc(0);
  if (sendsBody && r.chunked) {
    headers.push('Transfer-Encoding: chunked');
    bodyBytes = Buffer.concat([
      Buffer.from(payload.length > 0 ? `${payload.length.toString(16)}\r\n` : '', 'latin1'),
      payload,
      Buffer.from(payload.length > 0 ? '\r\n0\r\n\r\n' : '0\r\n\r\n', 'latin1'),
    ]);
  } else if (sendsBody) {
    headers.push(`Content-Length: ${payload.length}`);
    bodyBytes = payload;
  }
  return Buffer.concat([
    Buffer.from(
      `${r.method} ${r.target} HTTP/1.1\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n`,
      'latin1',
    ),
    bodyBytes,
  ]);
}

describe('one front door, two ways in', () => {
  it('every generated request gets the same bytes and the same report from the pre-router and from Express', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        observed.pre.length = 0;
        observed.express.length = 0;
        const answers = await both(raw(r));
        expect(answers.pre).toMatch(/^HTTP\/1\.1 \d{3} /);
        expect(answers.pre).toBe(answers.express);
        await settle();
        expect(observed.pre).toEqual(observed.express);
      }),
      { numRuns: 150 },
    );
  });

  it('admission never throws, for any method, headers or query on any endpoint', () => {
    const ctx = { snapshot, now: FIXED_NOW };
    fc.assert(
      fc.property(
        fc.constantFrom(...SERVICE_ENDPOINTS),
        fc.option(fc.string({ maxLength: 10 })),
        fc.dictionary(
          fc.constantFrom(
            'content-type',
            'content-encoding',
            'content-length',
            'host',
            'accept-language',
            'expect',
          ),
          fc.string({ maxLength: 30 }),
        ),
        fc.string({ maxLength: 80 }),
        fc.string({ maxLength: 20 }),
        fc.boolean(),
        (endpoint, method, headers, queryText, rest, secure) => {
          const verdict = admit(
            endpoint,
            { method: method ?? undefined, headers, query: queryText, rest, secure },
            ctx,
          );
          expect(['refused', 'admitted', 'read-body']).toContain(verdict.kind);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

/** A request each endpoint answers normally, from the endpoint list. */
function sampleRequest(endpoint: (typeof SERVICE_ENDPOINTS)[number], extraQuery: string): string | Buffer {
  const target = endpoint.paths[0] ?? `${endpoint.prefix}alice@example.com`;
  const params: Record<string, string> = {
    autoconfig: 'emailaddress=alice%40example.com',
    'autodiscover-json-query': 'Email=alice%40example.com&Protocol=AutodiscoverV1',
    'autodiscover-json-v1': 'Protocol=AutodiscoverV1',
    mobileconfig: 'emailaddress=alice%40example.com',
    'mobileconfig-qr': 'emailaddress=alice%40example.com',
    'settings-page': 'email=alice%40example.com',
    'tls-ask': 'domain=autoconfig.example.com',
  };
  const own = params[endpoint.name];
  const queryText = [own, extraQuery].filter(Boolean).join('&');
  const full = queryText ? `${target}?${queryText}` : target;
  return endpoint.methods.includes('POST') ? rawPost(full, poxBody('alice@example.com')) : rawGet(full);
}

describe('repeated query parameters', () => {
  it.each(SERVICE_ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))(
    '%s answers a repeated parameter the same on both ways in, in its own error form',
    async (_name, endpoint) => {
      const plain = await both(sampleRequest(endpoint, ''));
      const repeated = await both(sampleRequest(endpoint, 'x=1&X=2'));
      expect(repeated.pre).toBe(repeated.express);
      if (endpoint.repeatedParameters === 'read') {
        // These read each parameter's repetition themselves: an unrelated one changes nothing.
        expect(repeated.pre).toBe(plain.pre);
      } else {
        expect(repeated.pre).not.toBe(plain.pre);
        expect(repeated.pre).toMatch(
          endpoint.methods.includes('POST') ? /<ErrorCode>600<\/ErrorCode>/ : /^HTTP\/1\.1 400 /,
        );
      }
    },
  );
});

describe('body limit', () => {
  it.each(['pre', 'express'] as const)(
    'an endless chunked POST gets 413 within a second (%s)',
    async (way) => {
      const port = ports[way];
      const started = Date.now();
      const status = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let received = '';
        const chunk = `400\r\n${'<a>'.repeat(341)}x\r\n`;
        const timer = setInterval(() => socket.write(chunk), 5);
        socket.write(
          'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n',
        );
        socket.on('data', (data) => {
          received += data.toString('latin1');
          if (received.includes('\r\n')) {
            clearInterval(timer);
            socket.destroy();
            resolve(received.slice(0, received.indexOf('\r\n')));
          }
        });
        socket.on('error', (error) => {
          clearInterval(timer);
          reject(error);
        });
        setTimeout(() => {
          clearInterval(timer);
          socket.destroy();
          resolve('nothing within 2 s');
        }, 2000);
      });
      expect(status).toBe('HTTP/1.1 413 Payload Too Large');
      expect(Date.now() - started).toBeLessThan(1000);
    },
  );
});
