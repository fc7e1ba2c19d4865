import { connect } from 'node:net';
import request from 'supertest';
import { exampleServers } from '../helpers/example-server';
import { poxBody } from '../helpers/example';

const start = exampleServers();

/** Sends raw bytes and collects whatever comes back until the server closes the connection. */
function rawExchange(url: string, bytes: string): Promise<{ text: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text, ms: Date.now() - started }));
  });
}

describe('timeouts', () => {
  it('closes a connection whose headers never finish (slow loris) with 408', async () => {
    const server = await start({ timeouts: { headersMs: 300, requestMs: 600, keepAliveMs: 100 } });
    const { text, ms } = await rawExchange(server.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(3_000);
    await request(server.url).get('/healthz').expect(200);
  });

  it('closes a connection whose body never finishes with 408', async () => {
    const server = await start({ timeouts: { headersMs: 300, requestMs: 600, keepAliveMs: 100 } });
    const { text, ms } = await rawExchange(
      server.url,
      'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 400\r\n\r\n<Auto',
    );
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(3_000);
  });
});

describe('metrics on their own listen address', () => {
  it('serves /metrics only there, and the health paths on both', async () => {
    const server = await start({ metricsListen: { host: '127.0.0.1', port: 0 } });
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await request(server.url).get('/metrics').expect(404);
    await request(server.url).get('/readyz').expect(200);
    await request(server.url).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com').expect(200);
    await new Promise((resolve) => setImmediate(resolve));
    const metrics = await request(server.metricsUrl as string)
      .get('/metrics')
      .expect(200);
    expect(metrics.text).toContain(
      'mail_autoconf_requests_total{protocol="autoconfig",outcome="ok",status="200"} 1',
    );
    expect(metrics.text).toContain('process_resident_memory_bytes');
    await request(server.metricsUrl as string)
      .get('/healthz')
      .expect(200);
    await request(server.metricsUrl as string)
      .get('/mail/config-v1.1.xml')
      .expect(404);
  });
});

describe('trust proxy', () => {
  it('an Autodiscover GET that came over https gets the settings, whether the proxy is trusted or not', async () => {
    const get = (url: string, proto?: string) => {
      const req = request(url).get('/autodiscover/autodiscover.xml').set('Host', 'autodiscover.example.com');
      return proto ? req.set('X-Forwarded-Proto', proto) : req;
    };
    const direct = await start();
    // Plain http, no sign of https: Outlook's redirect probe.
    const plain = await get(direct.url);
    expect(plain.status).toBe(302);
    expect(plain.headers.location).toBe('https://autodiscover.example.com/autodiscover/autodiscover.xml');
    // An untrusted proxy saying https: redirecting to https would send the client back here.
    const untrusted = await get(direct.url, 'https');
    expect(untrusted.status).toBe(200);
    expect(untrusted.text).toContain('<Server>imap.example.com</Server>');

    const proxied = await start({ trustProxy: ['loopback'] });
    const trusted = await get(proxied.url, 'https');
    expect(trusted.status).toBe(200);
    expect(trusted.text).toContain('<Server>imap.example.com</Server>');
    expect(trusted.text).not.toContain('LoginName');
    const trustedHttp = await get(proxied.url, 'http');
    expect(trustedHttp.status).toBe(302);
  });
});

describe('rate limiting', () => {
  it('is off by default', async () => {
    const server = await start();
    for (let i = 0; i < 30; i += 1) await request(server.url).get('/healthz').expect(200);
    for (let i = 0; i < 30; i += 1)
      await request(server.url).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com').expect(200);
  });

  it('limits each client IP on the protocol endpoints, never the probes', async () => {
    const server = await start({ rateLimitPerMinute: 3 });
    const pox = () =>
      request(server.url)
        .post('/autodiscover/autodiscover.xml')
        .type('text/xml')
        .send(poxBody('alice@example.com'));
    for (let i = 0; i < 3; i += 1) await pox().expect(200);
    const limited = await pox().expect(429);
    expect(limited.text).toBe('Too many requests: try again in a minute.\n');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await request(server.url).get('/readyz').expect(200);
    await request(server.url).get('/metrics').expect(200);
  });

  it('takes the client from X-Forwarded-For only behind a trusted proxy', async () => {
    const untrusted = await start({ rateLimitPerMinute: 2 });
    const ask = (url: string, client: string) =>
      request(url)
        .get('/mail/config-v1.1.xml?emailaddress=alice%40example.com')
        .set('X-Forwarded-For', client);
    await ask(untrusted.url, '192.0.2.1').expect(200);
    await ask(untrusted.url, '192.0.2.2').expect(200);
    await ask(untrusted.url, '192.0.2.3').expect(429); // a client cannot pick a fresh bucket

    const trusted = await start({ rateLimitPerMinute: 2, trustProxy: ['127.0.0.1', '::1'] });
    await ask(trusted.url, '192.0.2.1').expect(200);
    await ask(trusted.url, '192.0.2.1').expect(200);
    await ask(trusted.url, '192.0.2.1').expect(429);
    await ask(trusted.url, '192.0.2.2').expect(200); // a different client behind the same proxy
  });
});
