import request from 'supertest';
import { createApp } from '../../src/http/app';
import { Snapshot } from '../../src/catalog/snapshot';
import { exampleSnapshot, loadInline } from '../helpers/example';
import { expectGolden } from '../helpers/golden';

let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const snapshot = await exampleSnapshot();
  app = createApp({ snapshot: () => snapshot });
});

const JSON_TYPE = 'application/json; charset=utf-8';
const V1 = '/autodiscover/autodiscover.json/v1.0/';
const QUERY = '/autodiscover/autodiscover.json';

describe('Autodiscover v2 JSON', () => {
  it.each([
    `${V1}alice@example.com?Protocol=AutodiscoverV1`,
    `${V1}alice%40example.com?Protocol=Autodiscoverv1`,
    `${V1}alice@example.com?Protocol=autodiscoverv1&RedirectCount=1`,
    `/Autodiscover/Autodiscover.json/v1.0/alice@example.com?Protocol=AUTODISCOVERV1`,
    `${QUERY}?Email=alice%40example.com&Protocol=AutodiscoverV1`,
    `${QUERY}?Email=alice%40example.com&Protocol=autodiscoverV1&RedirectCount=1`,
    `${QUERY}?email=alice%40example.com&protocol=AutodiscoverV1`,
  ])('GET %s points at the POX endpoint on the public host', async (url) => {
    const res = await request(app).get(url).expect(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expectGolden('example.com/autodiscover-v1.json', res.text);
    expect(res.body).toEqual({
      Protocol: 'AutodiscoverV1',
      Url: 'https://autoconfig.hosting.example/autodiscover/autodiscover.xml',
    });
  });

  it.each([
    `${V1}alice@example.com?Protocol=ActiveSync`,
    `${V1}alice@example.org?Protocol=activesync`,
    `${QUERY}?Email=alice%40example.com&Protocol=ACTIVESYNC&RedirectCount=1`,
  ])('GET %s gives the configured ActiveSync URL', async (url) => {
    const res = await request(app).get(url).expect(200);
    expectGolden('example.com/autodiscover-activesync.json', res.text);
  });

  it('never takes the URL from the Host header', async () => {
    const res = await request(app)
      .get(`${V1}alice@example.com?Protocol=AutodiscoverV1`)
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .expect(200);
    expect(res.text).not.toContain('evil');
  });

  it('answers every address of a served domain alike, so mailboxes cannot be enumerated', async () => {
    const bodies = await Promise.all(
      ['alice@example.com', 'nobody-here@example.com', 'x@example.org'].map(
        async (address) => (await request(app).get(`${V1}${address}?Protocol=ActiveSync`).expect(200)).text,
      ),
    );
    expect(new Set(bodies).size).toBe(1);
  });

  it('answers a protocol the domain lacks, or an unknown one, with the 400 InvalidProtocol JSON', async () => {
    for (const url of [
      `${V1}bob@example.net?Protocol=ActiveSync`,
      `${V1}bob@example.net?Protocol=Ews`,
      `${V1}bob@example.net`,
      `${QUERY}?Email=bob%40example.net&Protocol=Rest`,
      `${QUERY}?Email=bob%40example.net&Protocol=AutodiscoverV1&Protocol=ActiveSync`,
    ]) {
      const res = await request(app).get(url).expect(400);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expectGolden('errors/autodiscover-json-invalid-protocol.json', res.text);
    }
    const res = await request(app).get(`${V1}alice@example.com?Protocol=%3Cscript%3EEws`).expect(400);
    expect(res.body).toEqual({
      ErrorCode: 'InvalidProtocol',
      ErrorMessage: "The given protocol value is invalid. Supported values are 'ActiveSync,AutodiscoverV1'",
    });
  });

  it('gives one answer for every unknown domain, whatever the protocol', async () => {
    const bodies = new Set<string>();
    for (const url of [
      `${V1}alice@unknown.example?Protocol=AutodiscoverV1`,
      `${V1}bob@other.example?Protocol=Ews`,
      `${QUERY}?Email=carol%40third.example&Protocol=ActiveSync`,
    ]) {
      const res = await request(app).get(url).expect(400);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      bodies.add(res.text);
    }
    expect([...bodies]).toEqual([
      '{"ErrorCode":"UnknownDomain","ErrorMessage":"No mail settings are published here for this domain."}',
    ]);
  });

  it.each([
    `${QUERY}?Protocol=AutodiscoverV1`,
    `${QUERY}?Email=&Protocol=AutodiscoverV1`,
    `${QUERY}?Email=a%40example.com&Email=b%40example.com&Protocol=AutodiscoverV1`,
    `${QUERY}?Email=a%40example.com&email=b%40example.com&Protocol=AutodiscoverV1`,
    `${V1}not-an-address?Protocol=AutodiscoverV1`,
    `${V1}%3Cb%3E%40example.com?Protocol=AutodiscoverV1`,
    `${V1}a%0D%0Ab%40example.com?Protocol=AutodiscoverV1`,
  ])('answers %s with a 400 InvalidEmail JSON that repeats nothing', async (url) => {
    const res = await request(app).get(url).expect(400);
    expect(res.body).toEqual({
      ErrorCode: 'InvalidEmail',
      ErrorMessage: 'The email address must be one valid email address.',
    });
  });

  it('never answers 5xx, whatever the path', async () => {
    for (const url of [
      `${V1}%E0%A4%A?Protocol=AutodiscoverV1`,
      `${V1}%?Protocol=AutodiscoverV1`,
      `${V1}a@example.com/extra?Protocol=AutodiscoverV1`,
      `${V1}?Protocol=AutodiscoverV1`,
      `${QUERY}?Email[x]=a&Protocol[y]=b`,
      `${V1}${'a'.repeat(5000)}@example.com?Protocol=AutodiscoverV1`,
    ]) {
      const res = await request(app).get(url);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('refuses other methods with 405', async () => {
    const res = await request(app).post(`${V1}alice@example.com?Protocol=AutodiscoverV1`).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    await request(app).delete(`${QUERY}?Email=alice%40example.com`).expect(405);
  });

  it('without service.publicHost, points at autodiscover.<domain>', async () => {
    const config = loadInline({
      'd.yaml': `domain: example.com
aliases: [example.org]
incoming: [{ type: imap, host: imap.example.com, security: tls }]
outgoing: [{ host: smtp.example.com, security: tls }]
`,
    });
    const local = createApp({ snapshot: () => new Snapshot(config) });
    const res = await request(local).get(`${V1}alice@example.org?Protocol=AutodiscoverV1`).expect(200);
    expect(res.body).toEqual({
      Protocol: 'AutodiscoverV1',
      Url: 'https://autodiscover.example.com/autodiscover/autodiscover.xml',
    });
  });
});
