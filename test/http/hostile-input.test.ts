import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import request from 'supertest';
import { SERVICE_ENDPOINTS } from '../../src/endpoints/index';
import { OPS_PATHS } from '../../src/endpoints/ops';
import { createApp } from '../../src/http/app';
import type { Snapshot } from '../../src/catalog/snapshot';
import { exampleSnapshot, FIXED_NOW, poxBody } from '../helpers/example';

/**
 * Hostile requests through the real app. Each gets a clean, short answer that repeats nothing
 * from the request, and the app answers a valid request right after. The marker is placed in
 * every hostile value, so finding it in an answer means the answer reflected input.
 */
const MARKER = 'zq9mark';

let snapshot: Snapshot;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  snapshot = await exampleSnapshot();
  app = createApp({ snapshot: () => snapshot, now: () => FIXED_NOW });
});

const MOBILESYNC_NS = [
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006',
] as const;

function expectClean(res: request.Response): void {
  const text = `${res.text ?? ''}${JSON.stringify(res.headers)}`;
  expect(text).not.toContain(MARKER);
  expect(text).not.toMatch(/\bat .+\(|node_modules|\/src\/|Error:/);
  expect(res.status).toBeLessThan(500);
}

async function expectStillServing(): Promise<void> {
  const autoconfig = await request(app).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com');
  expect(autoconfig.status).toBe(200);
  const pox = await request(app)
    .post('/autodiscover/autodiscover.xml')
    .type('text/xml')
    .send(poxBody('alice@example.com'));
  expect(pox.text).toContain('<LoginName>alice@example.com</LoginName>');
}

/** Addresses built to break out of XML, headers, JSON logs or client placeholders. */
const BAD_ADDRESSES: [string, string][] = [
  ['CRLF header injection', `${MARKER}\r\nSet-Cookie: x=1@example.com`],
  ['LF', `${MARKER}\n@example.com`],
  ['NUL', `${MARKER}\u0000@example.com`],
  ['markup', `<b>${MARKER}</b>@example.com`],
  ['double quote', `"${MARKER}"@example.com`],
  ['single quote', `${MARKER}'x@example.com`],
  ['ampersand entity', `${MARKER}&amp;@example.com`],
  ['placeholder', `%EMAILDOMAIN%${MARKER}@example.com`],
  ['display name', `Alice <${MARKER}@example.com>`],
  ['two @', `${MARKER}@evil.example@example.com`],
  ['over-long local part', `${MARKER}${'a'.repeat(80)}@example.com`],
  [
    'over-long address',
    `${MARKER}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.com`,
  ],
  ['very long input', `${MARKER}${'x'.repeat(5000)}@example.com`],
  ['non-ASCII local part', `${MARKER}ü@example.com`],
  ['address literal', `${MARKER}@[127.0.0.1]`],
  ['domain with markup', `${MARKER}@exa<mple.com`],
];

describe('hostile addresses on every endpoint', () => {
  it.each(BAD_ADDRESSES)('autoconfig (both URLs) answers %s with 400', async (_label, address) => {
    for (const path of ['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml']) {
      const res = await request(app).get(path).query({ emailaddress: address });
      expect(res.status).toBe(400);
      expectClean(res);
    }
    await expectStillServing();
  });

  it.each(BAD_ADDRESSES)(
    'Autodiscover (Outlook and mobilesync) answers %s with error 600',
    async (_label, address) => {
      // The address goes in as XML text: escaped, as a real client would send it.
      const escaped = address.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      for (const body of [poxBody(escaped), poxBody(escaped, ...MOBILESYNC_NS)]) {
        const res = await request(app).post('/autodiscover/autodiscover.xml').type('text/xml').send(body);
        expect(res.status).toBe(200);
        expect(res.text).toContain('<ErrorCode>600</ErrorCode>');
        expectClean(res);
      }
      await expectStillServing();
    },
  );

  it('an IDN address is served under its punycode domain, and an unknown IDN domain gets the uniform 404', async () => {
    const res = await request(app)
      .get('/mail/config-v1.1.xml')
      .query({ emailaddress: 'anna@bücher.example' });
    expect(res.status).toBe(404);
    expect(res.text).toBe('No mail settings are published here for this domain.\n');
    const idnPox = await request(app)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(poxBody('anna@bücher.example'));
    expect(idnPox.text).toContain('<ErrorCode>500</ErrorCode>');
    expect(idnPox.text).not.toContain('anna');
  });
});

describe('no mailbox enumeration', () => {
  it('every address of a served domain gets the same document, up to the address itself', async () => {
    const bodies = await Promise.all(
      ['alice@example.com', 'no.such.user@example.com'].map(async (address) => {
        const res = await request(app)
          .post('/autodiscover/autodiscover.xml')
          .type('text/xml')
          .send(poxBody(address));
        return res.text.split(address.split('@')[0] as string).join('LOCAL');
      }),
    );
    expect(bodies[0]).toBe(bodies[1]);
    const autoconfig = await Promise.all(
      ['alice@example.com', 'nobody@example.com'].map(
        async (address) =>
          (await request(app).get('/mail/config-v1.1.xml').query({ emailaddress: address })).text,
      ),
    );
    expect(autoconfig[0]).toBe(autoconfig[1]);
  });

  it('unknown domains get one uniform answer per protocol', async () => {
    const pox = await Promise.all(
      ['a@unknown.example', 'b@other.invalid'].map(
        async (address) =>
          (await request(app).post('/autodiscover/autodiscover.xml').type('text/xml').send(poxBody(address)))
            .text,
      ),
    );
    expect(pox[0]).toBe(pox[1]);
    const autoconfig = await Promise.all(
      ['a@unknown.example', 'b@other.invalid'].map(async (address) => {
        const res = await request(app).get('/mail/config-v1.1.xml').query({ emailaddress: address });
        return `${res.status} ${res.text}`;
      }),
    );
    expect(autoconfig[0]).toBe(autoconfig[1]);
  });
});

describe('query strings', () => {
  it.each([
    ['repeated address', `emailaddress=alice%40example.com&emailaddress=${MARKER}%40example.com`],
    ['repeated other parameter', `emailaddress=alice%40example.com&x=${MARKER}&x=2`],
    ['array brackets repeated', `emailaddress[]=${MARKER}&emailaddress[]=b`],
  ])('autoconfig refuses %s with 400', async (_label, query) => {
    const res = await request(app).get(`/mail/config-v1.1.xml?${query}`);
    expect(res.status).toBe(400);
    expect(res.text).toBe('Bad request: every query parameter must be given once, as plain text.\n');
    expectClean(res);
    await expectStillServing();
  });

  it('Autodiscover answers a repeated query parameter with its own error form (600)', async () => {
    const res = await request(app)
      .post(`/autodiscover/autodiscover.xml?a=${MARKER}&a=2`)
      .type('text/xml')
      .send(poxBody('alice@example.com'));
    expect(res.status).toBe(200);
    expect(res.text).toContain('<ErrorCode>600</ErrorCode>');
    expectClean(res);
  });

  it('an over-long request line is refused by the server, not the app', async () => {
    const res = await request(app).get(`/mail/config-v1.1.xml?emailaddress=${MARKER}${'a'.repeat(20_000)}`);
    expect([400, 414, 431]).toContain(res.status);
    expectClean(res);
    await expectStillServing();
  });
});

type MethodCall = (path: string) => request.Test;
const call = (method: string, path: string) =>
  (request(app) as unknown as Record<string, MethodCall>)[method.toLowerCase()]!(path);

/** Every path of every endpoint in the endpoint list (a prefix with an address), and the probes. */
const ENDPOINTS: (readonly [string, string])[] = [
  ...SERVICE_ENDPOINTS.flatMap((endpoint) => {
    const allow = endpoint.methods.includes('POST') ? 'GET, HEAD, POST' : 'GET, HEAD';
    const paths = [...endpoint.paths, ...(endpoint.prefix ? [`${endpoint.prefix}alice@example.com`] : [])];
    return paths.map((path) => [path, allow] as const);
  }),
  ['/Autodiscover/Autodiscover.xml', 'GET, HEAD, POST'],
  ...Object.values(OPS_PATHS).map((path) => [path, 'GET, HEAD'] as const),
];

describe('methods', () => {
  it.each(['PUT', 'DELETE', 'PATCH', 'PROPFIND', 'TRACE'])(
    '%s gets 405 with Allow on every endpoint',
    async (method) => {
      for (const [path, allow] of ENDPOINTS) {
        const res = await call(method, `${path}?x=${MARKER}`);
        expect(res.status).toBe(405);
        expect(res.headers.allow).toBe(allow);
        expectClean(res);
      }
      await expectStillServing();
    },
  );

  it('OPTIONS lists the allowed methods with 204', async () => {
    for (const [path, allow] of ENDPOINTS) {
      const res = await request(app).options(path).expect(204);
      expect(res.headers.allow).toBe(allow);
    }
  });

  it('HEAD works wherever GET does, with the same status and no body', async () => {
    for (const path of [
      '/mail/config-v1.1.xml?emailaddress=alice%40example.com',
      '/autodiscover/autodiscover.xml',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      const get = await request(app).get(path).set('Host', 'autodiscover.example.com');
      const head = await request(app).head(path).set('Host', 'autodiscover.example.com');
      expect(head.status).toBe(get.status);
      expect(head.text ?? '').toBe('');
    }
  });
});

describe('POX bodies and content types', () => {
  it.each([
    [
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="${MARKER}"\r\n\r\nv\r\n--x--`,
    ],
    ['application/x-www-form-urlencoded', `a=${MARKER}`],
    ['application/json', `{"${MARKER}":1}`],
    ['image/png', MARKER],
  ])('refuses %s with 415', async (type, body) => {
    const res = await request(app)
      .post('/autodiscover/autodiscover.xml')
      .set('Content-Type', type)
      .send(body);
    expect(res.status).toBe(415);
    expect(res.text).toBe('Unsupported Content-Type: send the Autodiscover request as text/xml.\n');
    expect(res.headers['accept-post']).toBe('text/xml, application/xml');
    expectClean(res);
    await expectStillServing();
  });

  it.each(['text/xml; charset=utf-8', 'TEXT/XML', 'application/xml', 'application/soap+xml', 'text/plain'])(
    'accepts %s',
    async (type) => {
      const res = await request(app)
        .post('/autodiscover/autodiscover.xml')
        .set('Content-Type', type)
        .send(Buffer.from(poxBody('alice@example.com')));
      expect(res.text).toContain('<LoginName>alice@example.com</LoginName>');
    },
  );

  it('answers a body declaring a non-UTF-8 encoding with error 600', async () => {
    const res = await request(app)
      .post('/autodiscover/autodiscover.xml')
      .set('Content-Type', `text/xml; charset=${MARKER}`)
      .send(poxBody('alice@example.com').replace('encoding="utf-8"', 'encoding="ISO-8859-1"'));
    expect(res.text).toContain('<ErrorCode>600</ErrorCode>');
    expectClean(res);
  });

  it('tolerates processing instructions and comments without acting on them', async () => {
    const res = await request(app)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(
        `<?xml version="1.0"?><?pi ${MARKER}?><!-- ${MARKER} -->${poxBody('alice@example.com').replace(/^<\?xml[^>]*>/, '')}`,
      );
    expect(res.text).toContain('<LoginName>alice@example.com</LoginName>');
    expectClean(res);
  });

  it('answers a 2 MiB body sent without Content-Length (chunked) with 413', async () => {
    // A raw socket, so the status line is read as soon as it arrives: the server may close the
    // connection once it has answered, and an HTTP client that is still uploading then reports
    // only EPIPE or ECONNRESET, hiding the answer this test is about.
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const statusLine = await new Promise<string>((resolve, reject) => {
        let received = '';
        let answered = false;
        const socket = connect(port, '127.0.0.1');
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString('latin1');
          const end = received.indexOf('\r\n');
          if (end >= 0 && !answered) {
            answered = true;
            resolve(received.slice(0, end));
            socket.destroy();
          }
        });
        socket.on('error', (error) => {
          if (!answered) reject(new Error(`no answer before ${error.message}`));
        });
        socket.on('close', () => {
          if (!answered)
            reject(new Error(`connection closed without an answer: ${JSON.stringify(received)}`));
        });
        socket.write(
          'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: example.com\r\n' +
            'Content-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n',
        );
        const chunk = Buffer.concat([
          Buffer.from(`${(64 * 1024).toString(16)}\r\n`),
          Buffer.alloc(64 * 1024, 0x20),
          Buffer.from('\r\n'),
        ]);
        const send = (sent: number): void => {
          if (answered || socket.destroyed) return;
          if (sent === 32) {
            socket.write('0\r\n\r\n');
            return;
          }
          if (socket.write(chunk)) setImmediate(() => send(sent + 1));
          else socket.once('drain', () => send(sent + 1));
        };
        send(0);
      });
      expect(statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expectStillServing();
  });

  it.each([
    ['CDATA around the address', poxBody(`<![CDATA[${MARKER}<x>@example.com]]>`)],
    ['deep nesting', `${'<a>'.repeat(500)}${MARKER}${'</a>'.repeat(500)}`],
    [
      'unclosed element',
      `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${MARKER}`,
    ],
    ['JSON body as XML', `{"EMailAddress":"${MARKER}@example.com"}`],
    [
      'a SOAP envelope',
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${MARKER}</s:Body></s:Envelope>`,
    ],
    [
      'mobilesync request asking for the Outlook schema in the wrong namespace',
      poxBody('alice@example.com', 'http://example.invalid/x', MOBILESYNC_NS[1]).replace(
        '</Request>',
        `<${MARKER}/></Request>`,
      ),
    ],
  ])('answers %s with an Autodiscover error document', async (_label, body) => {
    const res = await request(app).post('/autodiscover/autodiscover.xml').type('text/xml').send(body);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<ErrorCode>60[01]<\/ErrorCode>/);
    expectClean(res);
    await expectStillServing();
  });
});

describe('errors inside the app', () => {
  it('a thrown error gives a bare 500 without stack trace or path, and is logged', async () => {
    const logged: unknown[] = [];
    const broken = createApp({
      snapshot: () => {
        throw new Error(`boom at /srv/secret/path ${MARKER}`);
      },
      logger: { error: (...args: unknown[]) => logged.push(args) } as never,
    });
    const res = await request(broken).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com');
    expect(res.status).toBe(500);
    expect(res.text).toBe('Internal server error.\n');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expectCleanOf500(res);
    expect(logged[0]).toEqual([{ err: expect.any(Error) }, 'unhandled error while answering a request']);
  });
});

function expectCleanOf500(res: request.Response): void {
  expect(JSON.stringify(res.headers) + res.text).not.toMatch(new RegExp(`${MARKER}|/srv/|boom`));
}
