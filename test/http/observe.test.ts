import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { ServiceMetrics } from '../../src/http/metrics';
import { loggablePath } from '../../src/http/loggable-path';
import { createObserver, userHash } from '../../src/http/observe';
import { statusOfSnapshot } from '../../src/catalog/config-holder';
import type { Snapshot } from '../../src/catalog/snapshot';
import { LogCapture } from '../helpers/config-dir';
import { exampleSnapshot, FIXED_NOW, poxBody } from '../helpers/example';

let snapshot: Snapshot;
beforeAll(async () => {
  snapshot = await exampleSnapshot();
});

function loggedApp() {
  const capture = new LogCapture();
  const logger = pino({ level: 'debug' }, capture);
  const metrics = new ServiceMetrics(() => statusOfSnapshot(snapshot));
  const app = createApp({ snapshot: () => snapshot, logger, metrics, now: () => FIXED_NOW });
  return { app, capture, metrics };
}

/** Until the 'close' event has run: supertest resolves as soon as the answer is read. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('request logs', () => {
  it('never contain the Authorization header nor a whole address', async () => {
    const { app, capture } = loggedApp();
    const credentials = Buffer.from('alice@example.com:hunter2-secret').toString('base64');
    await request(app)
      .post('/autodiscover/autodiscover.xml')
      .set('Authorization', `Basic ${credentials}`)
      .type('text/xml')
      .send(poxBody('alice@example.com'))
      .expect(200);
    await request(app)
      .get('/mail/config-v1.1.xml?emailaddress=alice%40example.com')
      .set('Authorization', `Basic ${credentials}`)
      .expect(200);
    await request(app)
      .get('/autodiscover/autodiscover.json/v1.0/alice@example.com?Protocol=AutodiscoverV1')
      .set('Authorization', `Bearer ${credentials}`)
      .expect(200);
    await settle();
    const text = capture.text;
    expect(text).not.toMatch(/authorization|basic|bearer/i);
    expect(text).not.toContain(credentials);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('alice');
    expect(capture.requests()).toHaveLength(3);
  });

  it('write one line per request with method, path, protocol, domain, outcome, status and duration', async () => {
    const { app, capture } = loggedApp();
    await request(app)
      .get('/mail/config-v1.1.xml?emailaddress=bob%40example.net')
      .set('User-Agent', 'Thunderbird/140');
    await request(app)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(poxBody('x@unknown.example'));
    await request(app).put('/mail/config-v1.1.xml');
    await settle();
    const [autoconfig, unknown, put] = capture.requests();
    expect(autoconfig).toMatchObject({
      level: 30,
      method: 'GET',
      path: '/mail/config-v1.1.xml',
      protocol: 'autoconfig',
      outcome: 'ok',
      domain: 'example.net',
      status: 200,
      userAgent: 'Thunderbird/140',
    });
    expect(typeof autoconfig?.durationMs).toBe('number');
    expect(unknown).toMatchObject({ protocol: 'autodiscover', outcome: 'unknown-domain', status: 200 });
    expect(unknown).not.toHaveProperty('domain');
    expect(put).toMatchObject({ protocol: 'autoconfig', outcome: 'method-not-allowed', status: 405 });
  });

  it('carry a keyed pseudonym of the address only when a key is configured', async () => {
    const key = 'k'.repeat(32);
    const capture = new LogCapture();
    const keyed = createApp({ snapshot: () => snapshot, logger: pino({}, capture), userHashKey: key });
    await request(keyed).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com');
    await request(keyed)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(poxBody('alice@example.com'));
    await request(keyed)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(poxBody('bob@example.com'));
    await request(keyed)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(poxBody('eve@unknown.example'));
    await settle();
    const hashes = capture.requests().map((line) => line.userHash);
    expect(hashes[0]).toBe(userHash(key, 'alice', 'example.com'));
    expect(hashes[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(hashes[1]).toBe(hashes[0]); // the same user across protocols
    expect(hashes[2]).not.toBe(hashes[0]);
    expect(hashes[3]).toBeUndefined(); // nothing about addresses of domains we do not serve
    expect(capture.text).not.toMatch(/alice|bob|eve@|unknown\.example/);
    expect(userHash('another key of 32 characters....', 'alice', 'example.com')).not.toBe(hashes[0]);

    const { app, capture: unkeyed } = loggedApp();
    await request(app).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com');
    await settle();
    expect(unkeyed.requests()[0]).not.toHaveProperty('userHash');
  });

  it('security review #13: addresses encoded twice or written with a fullwidth at sign are not logged', async () => {
    const { app, capture } = loggedApp();
    for (const path of [
      '/autodiscover/autodiscover.json/v1.0/alice%2540example.com?Protocol=AutodiscoverV1',
      '/autodiscover/autodiscover.json/v1.0/alice%EF%BC%A0example.com?Protocol=AutodiscoverV1',
      '/x/alice%252540example.com',
    ])
      await request(app).get(path);
    await settle();
    expect(capture.requests()).toHaveLength(3);
    expect(capture.text).not.toContain('alice');
  });

  it('log probes at debug level only', async () => {
    const { app, capture } = loggedApp();
    await request(app).get('/healthz');
    await settle();
    expect(capture.requests()).toEqual([
      expect.objectContaining({ level: 20, protocol: 'ops', path: '/healthz' }),
    ]);
  });

  it.each([
    ['/mail/config-v1.1.xml?emailaddress=a%40b.example', '/mail/config-v1.1.xml'],
    [
      '/autodiscover/autodiscover.json/v1.0/alice@example.com?x',
      '/autodiscover/autodiscover.json/v1.0/*@example.com',
    ],
    ['/x/alice%40example.com/y', '/x/*@example.com/y'],
    [`/${'a'.repeat(300)}`, `/${'a'.repeat(199)}…`],
    ['http://evil.example/mail/config-v1.1.xml?emailaddress=a%40b.example', '/mail/config-v1.1.xml'],
    ['http://evil.example', '/'],
  ])('paths are logged without query and without local parts: %s', (url, logged) => {
    expect(loggablePath(url)).toBe(logged);
  });
});

describe('the observer outside Express', () => {
  it('logs and counts a request answered by a plain Node handler exactly like the app does', async () => {
    const capture = new LogCapture();
    const logger = pino({}, capture);
    const metrics = new ServiceMetrics(() => statusOfSnapshot(snapshot));
    const observe = createObserver({ logger, metrics });
    const server: Server = createServer((req, res) => {
      const startedAt = process.hrtime.bigint();
      res.once('close', () =>
        observe(req, res, { protocol: 'autoconfig', outcome: 'ok', domain: 'example.com' }, startedAt),
      );
      res.writeHead(200, { 'Content-Type': 'application/xml' }).end(Buffer.from('<clientConfig/>'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await request(`http://127.0.0.1:${port}`)
        .get('/mail/config-v1.1.xml?emailaddress=alice%40example.com')
        .set('Authorization', 'Basic c2VjcmV0')
        .expect(200);
      await settle();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const viaExpress = loggedApp();
    await request(viaExpress.app).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com').expect(200);
    await settle();
    const plainLine = capture.requests()[0] as Record<string, unknown>;
    const expressLine = viaExpress.capture.requests()[0] as Record<string, unknown>;
    const comparable = ({ time: _t, durationMs: _d, userAgent: _u, ...rest }: Record<string, unknown>) =>
      rest;
    expect(comparable(plainLine)).toEqual(comparable(expressLine));
    expect(capture.text).not.toContain('c2VjcmV0');
    const counted = await metrics.registry.getSingleMetricAsString('mail_autoconf_requests_total');
    expect(counted).toContain(
      'mail_autoconf_requests_total{protocol="autoconfig",outcome="ok",status="200"} 1',
    );
  });
});
