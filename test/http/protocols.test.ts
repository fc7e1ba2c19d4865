import request from 'supertest';
import { createApp } from '../../src/http/app';
import type { Snapshot } from '../../src/catalog/snapshot';
import { exampleSnapshot, FIXED_NOW, poxBody } from '../helpers/example';
import { expectGolden } from '../helpers/golden';

let snapshot: Snapshot;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  snapshot = await exampleSnapshot();
  app = createApp({ snapshot: () => snapshot, now: () => FIXED_NOW });
});

const XML_TYPE = 'text/xml; charset=utf-8';

describe('Mozilla autoconfig over HTTP', () => {
  it.each(['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml'])(
    'GET %s?emailaddress= answers the golden document with the machine-answer security headers',
    async (path) => {
      const res = await request(app).get(path).query({ emailaddress: 'alice@example.com' }).expect(200);
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-powered-by']).toBeUndefined();
      expectGolden('example.com/autoconfig.xml', res.text);
    },
  );

  it.each([
    ['autoconfig.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['AUTOCONFIG.Example.NET:8443', 'example.net'],
    ['autoconfig.example.org', 'example.com'],
  ])('without emailaddress, takes the domain from Host %s', async (host, domain) => {
    const res = await request(app).get('/mail/config-v1.1.xml').set('Host', host).expect(200);
    expect(res.text).toContain(`<emailProvider id="${domain}">`);
  });

  it('answers 404 with a short plain message for unknown domains, by address or by Host', async () => {
    for (const req of [
      request(app).get('/mail/config-v1.1.xml?emailaddress=alice%40unknown.example'),
      request(app).get('/mail/config-v1.1.xml').set('Host', 'autoconfig.unknown.example'),
      request(app).get('/mail/config-v1.1.xml').set('Host', '127.0.0.1:8080'),
    ]) {
      const res = await req.expect(404);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.text).toBe('No mail settings are published here for this domain.\n');
    }
  });

  it('rejects invalid or repeated addresses with 400 and does not echo them', async () => {
    for (const query of [
      'emailaddress=%3Cscript%3E%40example.com',
      'emailaddress=a%40example.com&emailaddress=b%40example.com',
    ]) {
      const res = await request(app).get(`/mail/config-v1.1.xml?${query}`);
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('script');
      expect(res.text).not.toContain('example.com');
    }
  });

  it('reads a bracketed key as an unrelated parameter, so no address was given: 404', async () => {
    // The simple query parser keeps `emailaddress[x]` as a key of its own instead of building an
    // object, so the request names no address at all.
    const res = await request(app).get('/mail/config-v1.1.xml?emailaddress[x]=y');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('y');
  });

  it('supports HEAD and refuses other methods with 405 and Allow', async () => {
    const head = await request(app)
      .head('/mail/config-v1.1.xml?emailaddress=alice%40example.com')
      .expect(200);
    const get = await request(app).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.text)));
    const post = await request(app).post('/mail/config-v1.1.xml').expect(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});

describe('Outlook POX Autodiscover over HTTP', () => {
  it.each([
    '/autodiscover/autodiscover.xml',
    '/Autodiscover/Autodiscover.xml',
    '/AUTODISCOVER/AUTODISCOVER.XML',
  ])('POST %s answers the golden settings with LoginName from the login policy', async (path) => {
    const res = await request(app)
      .post(path)
      .set('Content-Type', 'text/xml; charset=utf-8')
      .send(poxBody('bob@example.net'))
      .expect(200);
    expect(res.headers['content-type']).toBe(XML_TYPE);
    expect(res.headers['cache-control']).toBe('no-store');
    expectGolden('example.net/autodiscover.xml', res.text);
  });

  it.each([
    ['application/xml', 'application/xml'],
    ['no content type', undefined],
  ])('accepts %s', async (_label, type) => {
    const req = request(app).post('/autodiscover/autodiscover.xml');
    if (type) req.set('Content-Type', type);
    const res = await req.send(Buffer.from(poxBody('alice@example.com'))).expect(200);
    expect(res.text).toContain('<LoginName>alice@example.com</LoginName>');
  });

  it('answers a request whose elements carry a prefix bound to the request namespace, and one in CDATA', async () => {
    const prefixed = poxBody('bob@example.net')
      .replace(' xmlns=', ' xmlns:a=')
      .replace(/<(\/?)(Autodiscover|Request|EMailAddress|AcceptableResponseSchema)\b/g, '<$1a:$2');
    expect(prefixed).toContain('<a:EMailAddress>bob@example.net</a:EMailAddress>');
    const cdata = poxBody('<![CDATA[ bob@example.net ]]>');
    for (const body of [prefixed, cdata]) {
      const res = await request(app)
        .post('/autodiscover/autodiscover.xml')
        .type('text/xml')
        .send(body)
        .expect(200);
      expectGolden('example.net/autodiscover.xml', res.text);
    }
  });

  it('answers an address with an undefined entity reference, or in a foreign namespace, with error 600', async () => {
    for (const body of [
      poxBody('&bob;@example.net'),
      poxBody('bob@example.net').replace('<EMailAddress>', '<EMailAddress xmlns="urn:other">'),
    ]) {
      const res = await request(app)
        .post('/autodiscover/autodiscover.xml')
        .type('text/xml')
        .send(body)
        .expect(200);
      expect(res.text).toContain('<ErrorCode>600</ErrorCode>');
      expect(res.text).not.toContain('bob');
    }
  });

  it('answers 500 for unknown domains and 601 for unknown schemas, as HTTP 200 documents', async () => {
    const unknown = await request(app)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(poxBody('a@unknown.example'))
      .expect(200);
    expectGolden('errors/autodiscover-500.xml', unknown.text);
    const schema = await request(app)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(poxBody('alice@example.com', 'http://example.invalid/other-schema'))
      .expect(200);
    expect(schema.text).toContain('<ErrorCode>601</ErrorCode>');
  });

  const hostile: [string, string][] = [
    ['empty body', ''],
    ['not XML', 'hello'],
    ['truncated XML', poxBody('alice@example.com').slice(0, 120)],
    [
      'external entity (XXE)',
      `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>${poxBody('&x;@example.com').replace(/^<\?xml[^>]*>/, '')}`,
    ],
    [
      'parameter entity',
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;]><a/>',
    ],
    [
      'billion laughs',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Autodiscover>&lol2;</Autodiscover>`,
    ],
    [
      'wrong root',
      '<Other xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"/>',
    ],
    ['wrong namespace', poxBody('alice@example.com').replace('outlook/requestschema', 'other/requestschema')],
    [
      'two addresses',
      poxBody('alice@example.com').replace(
        '</EMailAddress>',
        '</EMailAddress><EMailAddress>b@example.com</EMailAddress>',
      ),
    ],
    ['markup in the address', poxBody('<b>x</b>@example.com')],
    ['CRLF in the address', poxBody('ali\r\nce@example.com')],
    ['invalid UTF-8', '\u0000'],
  ];
  it.each(hostile)('answers %s with error 600 and echoes nothing', async (_label, body) => {
    const payload =
      _label === 'invalid UTF-8' ? Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e]) : Buffer.from(body);
    const res = await request(app)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(payload)
      .expect(200);
    expect(res.text).toContain('<ErrorCode>600</ErrorCode>');
    expect(res.text).not.toMatch(/passwd|lol|alice|<b>|x\.dtd/);
  });

  it('answers an oversized body with 413, then keeps serving', async () => {
    const big = `${poxBody('alice@example.com')}${' '.repeat(2 * 1024 * 1024)}`;
    const res = await request(app).post('/autodiscover/autodiscover.xml').type('text/xml').send(big);
    expect(res.status).toBe(413);
    expect(res.text).toBe('Request body too large: the limit is 16 KiB.\n');
    await request(app)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(poxBody('alice@example.com'))
      .expect(200);
  });

  it('GET over http on a served autodiscover host redirects (302) to https on the same host', async () => {
    const res = await request(app)
      .get('/autodiscover/autodiscover.xml')
      .set('Host', 'autodiscover.example.com')
      .expect(302);
    expect(res.headers.location).toBe('https://autodiscover.example.com/autodiscover/autodiscover.xml');
  });

  it('GET for a host we do not serve is no open redirect: it gets the 600 document', async () => {
    const res = await request(app)
      .get('/autodiscover/autodiscover.xml')
      .set('Host', 'autodiscover.evil.example')
      .expect(200);
    expect(res.text).toContain('<ErrorCode>600</ErrorCode>');
    expect(res.headers.location).toBeUndefined();
  });

  it('refuses other methods with 405', async () => {
    const res = await request(app).put('/autodiscover/autodiscover.xml').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
  });
});

describe('everything else', () => {
  it('answers 404 in plain text without a stack trace', async () => {
    const res = await request(app).get('/nope').expect(404);
    expect(res.text).toBe('Not found.\n');
  });
});
