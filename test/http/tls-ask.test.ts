import request from 'supertest';
import { createApp } from '../../src/http/app';
import { Snapshot } from '../../src/catalog/snapshot';
import { TLS_ASK_PATH } from '../../src/endpoints/tls-ask';
import { exampleSnapshot } from '../helpers/example';

let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const snapshot = await exampleSnapshot();
  app = createApp({ snapshot: () => snapshot });
});

describe(`GET ${TLS_ASK_PATH}`, () => {
  it.each(['autoconfig.example.com', 'autodiscover.example.org', 'AUTOCONFIG.example.net.'])(
    'approves %s with 200',
    async (domain) => {
      const res = await request(app).get(TLS_ASK_PATH).query({ domain }).expect(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  it.each([
    ['domain=autoconfig.attacker.example', 404],
    ['domain=example.com', 404],
    ['domain=www.example.com', 404],
    ['domain=%2A.example.com', 400],
    ['domain=127.0.0.1', 400],
    ['domain=%5B%3A%3A1%5D', 400],
    [`domain=autoconfig.${'a'.repeat(300)}.example`, 400],
    ['domain=autoconfig.example.com&domain=autoconfig.attacker.example', 400],
    ['domain[x]=autoconfig.example.com', 400],
    ['name=autoconfig.example.com', 400],
    ['', 400],
  ])('refuses ?%s with %i and does not repeat it', async (query, status) => {
    const res = await request(app).get(`${TLS_ASK_PATH}?${query}`).expect(status);
    expect(res.text).not.toContain('attacker');
    expect(res.text).not.toMatch(/example|127\.0/);
  });

  it('supports HEAD, refuses other methods with 405, and is matched whatever the path case', async () => {
    await request(app).head(`${TLS_ASK_PATH}?domain=autoconfig.example.com`).expect(200);
    const post = await request(app).post(`${TLS_ASK_PATH}?domain=autoconfig.example.com`).expect(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    await request(app).get(`${TLS_ASK_PATH.toUpperCase()}?domain=autoconfig.example.com`).expect(200);
  });

  it('follows the config in force, so a reload changes the verdict for the next request', async () => {
    const first = await exampleSnapshot();
    let current = first;
    const reloading = createApp({ snapshot: () => current });
    await request(reloading).get(TLS_ASK_PATH).query({ domain: 'autoconfig.example.net' }).expect(200);
    current = new Snapshot({
      domains: first.domains.filter((d) => d.domain !== 'example.net'),
      service: first.service,
    });
    await request(reloading).get(TLS_ASK_PATH).query({ domain: 'autoconfig.example.net' }).expect(404);
  });
});
