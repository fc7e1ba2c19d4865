import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import plist from 'plist';
import request from 'supertest';
import { loadCatalogDir } from '../../src/catalog/load';
import { createApp } from '../../src/http/app';
import { Snapshot } from '../../src/catalog/snapshot';
import { appleSchemas, keyProblems } from '../helpers/apple-schema';
import { makeTestPki, type TestPki } from '../helpers/certificates';
import { EXAMPLE_CONFIG_DIR, exampleSnapshot, FIXED_NOW, loadInline } from '../helpers/example';
import { expectGolden } from '../helpers/golden';
import { decodeQrSvg } from '../helpers/qr-decode';
import { runTool } from '../helpers/system-tool';

let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const snapshot = await exampleSnapshot();
  app = createApp({ snapshot: () => snapshot, now: () => FIXED_NOW });
});

type Dict = Record<string, unknown>;

function parseProfile(body: Buffer | string): Dict {
  return plist.parse(body.toString()) as Dict;
}

async function download(
  query: string,
  path = '/mobileconfig',
  target: ReturnType<typeof createApp> = app,
): Promise<request.Response> {
  return request(target)
    .get(`${path}?${query}`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

describe('Apple configuration profile', () => {
  it.each([
    ['/mobileconfig', 'emailaddress=alice%40example.com'],
    ['/mobileconfig/', 'emailaddress=alice%40example.com'],
    ['/apple', 'email=alice%40example.com'],
    ['/Apple', 'emailaddress=alice%40example.com'],
  ])('GET %s?%s downloads the golden profile', async (path, query) => {
    const res = await download(query, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-apple-aspen-config');
    expect(res.headers['content-disposition']).toBe('attachment; filename="example.com.mobileconfig"');
    expect(res.headers['cache-control']).toBe('no-store');
    expectGolden('example.com/profile.mobileconfig', res.body as Buffer);
  });

  it('parses as a plist whose every payload has only the keys Apple documents, with their types', async () => {
    const { topLevel, payloads } = appleSchemas();
    for (const address of ['alice%40example.com', 'bob%40example.net']) {
      const profile = parseProfile((await download(`emailaddress=${address}`)).body as Buffer);
      expect(keyProblems(profile, topLevel)).toEqual([]);
      expect(profile.PayloadType).toBe('Configuration');
      const content = profile.PayloadContent as Dict[];
      for (const payload of content) {
        const spec = payloads[payload.PayloadType as string];
        expect(spec).toBeDefined();
        expect(keyProblems(payload, spec ?? {})).toEqual([]);
      }
    }
  });

  it('carries the mail account by the login policy, TLS per server, and the DAV accounts', async () => {
    const alice = parseProfile((await download('emailaddress=alice%40example.com')).body as Buffer);
    const [mail, caldav, carddav] = alice.PayloadContent as Dict[];
    expect(mail).toMatchObject({
      PayloadType: 'com.apple.mail.managed',
      EmailAccountType: 'EmailTypeIMAP',
      EmailAddress: 'alice@example.com',
      IncomingMailServerHostName: 'imap.example.com',
      IncomingMailServerPortNumber: 993,
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: 'alice@example.com',
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: 'smtp.example.com',
      OutgoingMailServerPortNumber: 465,
      OutgoingMailServerUseSSL: true,
    });
    expect(caldav).toMatchObject({
      PayloadType: 'com.apple.caldav.account',
      CalDAVHostName: 'mail.example.com',
      CalDAVPrincipalURL: 'https://mail.example.com/dav/calendars/',
      CalDAVUsername: 'alice@example.com',
    });
    expect(carddav).toMatchObject({ PayloadType: 'com.apple.carddav.account', CardDAVPort: 443 });

    const bob = parseProfile((await download('emailaddress=bob%40example.net')).body as Buffer);
    const bobMail = (bob.PayloadContent as Dict[])[0];
    expect(bob.PayloadContent).toHaveLength(1);
    expect(bobMail).toMatchObject({ IncomingMailServerUsername: 'bob', OutgoingMailServerUsername: 'bob' });
  });

  it('is the same on every download and for every spelling of the address, so reinstalling replaces', async () => {
    const first = (await download('emailaddress=alice%40example.com')).body as Buffer;
    const again = (await download('emailaddress=alice%40example.com')).body as Buffer;
    expect(again.equals(first)).toBe(true);
    const upper = parseProfile((await download('emailaddress=Alice%40EXAMPLE.com')).body as Buffer);
    const lower = parseProfile(first);
    expect(upper.PayloadIdentifier).toBe('com.example.autoconfig.alice');
    expect(upper.PayloadUUID).toBe(lower.PayloadUUID);

    const other = parseProfile((await download('emailaddress=carol%40example.com')).body as Buffer);
    const uuids = (profile: Dict) => [
      profile.PayloadUUID,
      ...(profile.PayloadContent as Dict[]).map((p) => p.PayloadUUID),
    ];
    expect(new Set([...uuids(lower), ...uuids(other)]).size).toBe(8);
    for (const uuid of uuids(other)) expect(uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB]/);
  });

  it('keeps distinct local parts distinct in the reverse-DNS identifier', async () => {
    const a = parseProfile((await download('emailaddress=a.b%40example.com')).body as Buffer);
    const b = parseProfile((await download('emailaddress=a_2eb%40example.com')).body as Buffer);
    expect(a.PayloadIdentifier).toBe('com.example.autoconfig.a_2eb');
    expect(b.PayloadIdentifier).toBe('com.example.autoconfig.a_5f2eb');
    const tagged = parseProfile((await download('emailaddress=a%2Btag%40example.org')).body as Buffer);
    expect(tagged.PayloadIdentifier).toBe('org.example.autoconfig.a_2btag');
    expect(tagged.PayloadIdentifier).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it.each([
    ['', 400],
    ['emailaddress=nope', 400],
    ['emailaddress=%3Cscript%3E%40example.com', 400],
    ['emailaddress=a%40example.com&emailaddress=b%40example.com', 400],
    ['emailaddress=alice%40unknown.example', 404],
  ])('refuses ?%s with %i in plain text and echoes nothing', async (query, status) => {
    const res = await request(app).get(`/mobileconfig?${query}`).expect(status);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).not.toMatch(/script|unknown\.example|nope/);
  });

  it('refuses other methods with 405', async () => {
    const res = await request(app).post('/mobileconfig?emailaddress=alice%40example.com').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('QR code of the profile link', () => {
  async function qr(target: ReturnType<typeof createApp>, query: string): Promise<request.Response> {
    return download(query, '/mobileconfig/qr.svg', target);
  }

  it('is an SVG that decodes to the https download link on the public host', async () => {
    const res = await qr(app, 'emailaddress=alice%40example.org');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const svg = (res.body as Buffer).toString();
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(decodeQrSvg(svg)).toBe(
      'https://autoconfig.hosting.example/mobileconfig?emailaddress=alice%40example.org',
    );
  });

  it('falls back to autoconfig.<domain> when no public host is configured', async () => {
    const config = loadInline({
      'd.yaml': `domain: example.com
incoming: [{ type: imap, host: imap.example.com, security: tls }]
outgoing: [{ host: smtp.example.com, security: tls }]
`,
    });
    const local = createApp({ snapshot: () => new Snapshot(config) });
    const res = await qr(local, 'emailaddress=bob%2Btag%40example.com');
    expect(decodeQrSvg((res.body as Buffer).toString())).toBe(
      'https://autoconfig.example.com/mobileconfig?emailaddress=bob%2Btag%40example.com',
    );
  });

  it('refuses invalid addresses and unknown domains like the profile does', async () => {
    await request(app).get('/mobileconfig/qr.svg?emailaddress=x').expect(400);
    await request(app).get('/mobileconfig/qr.svg?emailaddress=x%40unknown.example').expect(404);
  });
});

describe('signed profiles', () => {
  let pki: TestPki;
  afterEach(() => pki?.remove());

  /** The example config plus `service.signing`, with paths relative to the config directory. */
  async function signedSnapshot(chain: 'chain' | 'fullchain' | 'none'): Promise<Snapshot> {
    const dir = join(pki.dir, 'config');
    writeFileSync(
      join(pki.dir, 'fullchain.pem'),
      Buffer.concat([readFileSync(pki.certificate), readFileSync(pki.intermediate)]),
    );
    mkdirSync(dir);
    cpSync(join(EXAMPLE_CONFIG_DIR, 'domains'), join(dir, 'domains'), { recursive: true });
    cpSync(join(EXAMPLE_CONFIG_DIR, 'profiles'), join(dir, 'profiles'), { recursive: true });
    writeFileSync(
      join(dir, 'service.yaml'),
      `service:
  publicHost: autoconfig.hosting.example
  signing:
    certificate: ../${chain === 'fullchain' ? 'fullchain' : 'signer'}.pem
    key: ../signer.key
${chain === 'chain' ? '    chain: ../intermediate.pem\n' : ''}`,
    );
    const result = await loadCatalogDir(dir);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return new Snapshot(result.config);
  }

  function opensslVerify(command: 'cms' | 'smime', signed: Buffer): Buffer {
    const file = join(pki.dir, `profile-${command}.der`);
    writeFileSync(file, signed);
    return runTool(
      'openssl',
      [command, '-verify', '-inform', 'DER', '-in', file, '-CAfile', pki.root, '-purpose', 'any'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }

  it.each([
    ['rsa', 'chain'],
    ['ec', 'chain'],
    ['rsa', 'fullchain'],
  ] as const)(
    'with an %s key and the intermediate in a %s file: DER CMS SignedData that openssl verifies, the plist inside',
    async (keyType, chain) => {
      pki = makeTestPki(keyType);
      const signed = await signedSnapshot(chain);
      const signedApp = createApp({ snapshot: () => signed, now: () => FIXED_NOW });
      const res = await download('emailaddress=alice%40example.com', '/mobileconfig', signedApp);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-apple-aspen-config');
      const body = res.body as Buffer;
      expect(body[0]).toBe(0x30); // a DER SEQUENCE, not XML
      const unsigned = (await download('emailaddress=alice%40example.com')).body as Buffer;
      // Only the root is trusted: verifying proves the intermediate travels inside the profile.
      expect(opensslVerify('cms', body).equals(unsigned)).toBe(true);
      expect(opensslVerify('smime', body).equals(unsigned)).toBe(true);
    },
  );

  it('does not verify when the intermediate is neither configured nor trusted', async () => {
    pki = makeTestPki('rsa');
    const signed = await signedSnapshot('none');
    const profile = signed.signer?.sign(Buffer.from('<plist/>'), FIXED_NOW) as Buffer;
    expect(() => opensslVerify('cms', profile)).toThrow();
  });
});
