import { domainZones } from '../../src/dns/records';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toPacketAnswer } from '../../src/dns/record';
import { createApp } from '../../src/http/app';
import { answerAutoconfig } from '../../src/endpoints/autoconfig';
import { Snapshot } from '../../src/catalog/snapshot';
import { runCli } from '../helpers/cli';
import { controlCharacters } from '../helpers/control-characters';
import { startDnsServer, type TestRecord } from '../helpers/dns-server';
import { exampleSnapshot, loadInline } from '../helpers/example';

/**
 * `mail-autoconf check` end to end: the real command against a DNS server and an HTTP server
 * started here on 127.0.0.1. Each broken setup must be named, with the fix.
 */
let snapshot: Snapshot;
const servers: Server[] = [];

async function listen(handler: RequestListener): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

let realApp: number;
beforeAll(async () => {
  snapshot = await exampleSnapshot();
  realApp = await listen(createApp({ snapshot: () => snapshot }));
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** What a correct live setup publishes: our generated zones plus what every zone already has. */
function goodRecords(): TestRecord[] {
  const zones = snapshot.domains.flatMap((settings) => domainZones(settings, snapshot.dns));
  const address = (name: string, a: string, aaaa: string): TestRecord[] => [
    { name, type: 'A', ttl: 300, data: a },
    { name, type: 'AAAA', ttl: 300, data: aaaa },
  ];
  return [
    ...(zones.flatMap((zone) => zone.records.map(toPacketAnswer)) as TestRecord[]),
    ...address('autoconfig.hosting.example', '192.0.2.10', '2001:db8::10'),
    ...['imap', 'pop', 'smtp'].flatMap((host) =>
      address(`${host}.hosting.example`, '192.0.2.30', '2001:db8::30'),
    ),
    { name: 'example.com', type: 'MX', ttl: 300, data: { preference: 10, exchange: 'mx1.example.com' } },
    ...address('mx1.example.com', '192.0.2.40', '2001:db8::40'),
  ];
}

const isSrv = (record: TestRecord, owner: string) => record.type === 'SRV' && record.name === owner;

async function check(
  records: TestRecord[],
  options: { httpPort?: number; truncateUdp?: boolean; target?: string; args?: string[] } = {},
) {
  const dns = await startDnsServer(records, { truncateUdp: options.truncateUdp === true });
  try {
    const result = await runCli([
      'check',
      options.target ?? 'alice@example.com',
      '--resolver',
      `127.0.0.1:${dns.port}`,
      '--http',
      '--connect-to',
      `127.0.0.1:${options.httpPort ?? realApp}`,
      // The example's mail hosts are documentation addresses: test/e2e probes real servers.
      '--no-servers',
      ...(options.args ?? []),
    ]);
    return { ...result, queries: dns.queries };
  } finally {
    await dns.close();
  }
}

const failures = (stdout: string) => stdout.split('\n').filter((line) => line.includes('✘'));

describe('mail-autoconf check', () => {
  it('passes a correct setup: every check ✔, exit 0', async () => {
    const result = await check(goodRecords());
    expect(failures(result.stdout)).toEqual([]);
    expect(result.stdout).toContain('✔ _imaps._tcp.example.com. SRV: 0 1 993 imap.example.com.');
    expect(result.stdout).toContain('✔ autoconfig.example.com. CNAME: CNAME to autoconfig.hosting.example.');
    // A mail host whose addresses the config declares is checked once, against those addresses.
    expect(result.stdout).toContain('✔ imap.example.com. A/AAAA: 192.0.2.25, 2001:db8::25');
    expect(result.stdout).not.toContain('imap.example.com. (SRV target)');
    // The public host's addresses are not in this zone: looked up as an SRV target.
    expect(result.stdout).toContain(
      '✔ autoconfig.hosting.example. (SRV target): has addresses 192.0.2.10, 2001:db8::10',
    );
    expect(result.stdout).toMatch(
      /✔ http:\/\/autoconfig\.example\.com\/mail\/config-v1\.1\.xml\?emailaddress=alice%40example\.com: settings for example\.com match the config/,
    );
    expect(result.stdout).toContain(
      '✔ POST http://autodiscover.example.com/autodiscover/autodiscover.xml: settings for example.com match the config',
    );
    expect(result.stdout).toContain(
      '✔ POST http://autoconfig.hosting.example/autodiscover/autodiscover.xml: settings for example.com match the config',
    );
    expect(result.stdout).toContain(
      '✔ GET http://autodiscover.example.com/autodiscover/autodiscover.xml: 302 to https://autodiscover.example.com/autodiscover/autodiscover.xml',
    );
    expect(result.stdout).toMatch(/All \d+ checks passed\.\n$/);
    expect(result.code).toBe(0);
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    const result = await check(goodRecords(), { truncateUdp: true });
    expect(failures(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.queries.some((q) => q.transport === 'tcp' && q.type === 'SRV')).toBe(true);
  });

  it('reports a missing SRV record with the record to publish', async () => {
    const result = await check(goodRecords().filter((r) => !isSrv(r, '_submissions._tcp.example.com')));
    expect(failures(result.stdout)).toEqual(['  ✘ _submissions._tcp.example.com. SRV: no record']);
    expect(result.stdout).toContain(
      '      fix: publish _submissions._tcp.example.com. 3600 IN SRV 0 1 465 smtp.example.com.\n',
    );
    expect(result.code).toBe(1);
  });

  it('reports an SRV target that is a CNAME, naming the canonical host', async () => {
    const records = goodRecords().filter(
      (r) => !(r.name === 'imap.example.com' && (r.type === 'A' || r.type === 'AAAA')),
    );
    records.push(
      { name: 'imap.example.com', type: 'CNAME', ttl: 300, data: 'server1.example.com' },
      { name: 'server1.example.com', type: 'A', ttl: 300, data: '192.0.2.25' },
    );
    const result = await check(records);
    expect(failures(result.stdout)).toContain(
      '  ✘ imap.example.com. (SRV target): is a CNAME to server1.example.com.; an SRV target must not be an alias (RFC 2782) and clients may refuse it',
    );
    expect(result.stdout).toContain(
      'fix: point the SRV records at server1.example.com., or replace the CNAME at imap.example.com. with A/AAAA records',
    );
    expect(result.code).toBe(1);
  });

  it('reports an SRV record with the wrong port', async () => {
    const records = goodRecords().map((r) =>
      isSrv(r, '_imaps._tcp.example.com')
        ? { ...r, data: { priority: 0, weight: 1, port: 143, target: 'imap.example.com' } }
        : r,
    ) as TestRecord[];
    const result = await check(records);
    expect(failures(result.stdout)).toEqual([
      '  ✘ _imaps._tcp.example.com. SRV: 0 1 143 imap.example.com.: port 143 where the config says 993 for imap.example.com.',
    ]);
    expect(result.stdout).toContain(
      'fix: replace the records with _imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com.',
    );
    expect(result.code).toBe(1);
  });

  it('reports autoconfig answering for another domain', async () => {
    const netDocument = answerAutoconfig(snapshot, { emailaddress: 'bob@example.net', host: undefined });
    const wrongServer = await listen((req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'application/xml; charset=utf-8' }).end(netDocument.body);
      } else createApp({ snapshot: () => snapshot })(req, res);
    });
    const result = await check(goodRecords(), { httpPort: wrongServer });
    const autoconfig = failures(result.stdout).filter((line) => line.includes('config-v1.1.xml'));
    expect(autoconfig).toHaveLength(2);
    for (const line of autoconfig)
      expect(line).toContain(
        'answers for another domain: emailProvider example.net lists example.net, not example.com',
      );
    expect(result.stdout).toContain(
      'fix: the server behind this URL does not serve example.com: add example.com to its config, or point autoconfig.example.com at autoconfig.hosting.example',
    );
    expect(result.code).toBe(1);
  });

  it('security review #12: prints no terminal control sequence a remote answer carries', async () => {
    const good = answerAutoconfig(snapshot, { emailaddress: 'alice@example.com', host: undefined });
    const hostile = String(good.body).replace(
      '<hostname>imap.example.com</hostname>',
      '<hostname>imap.example.com\u001b[2J\u001b[31mPWNED\u001b[0m\u009b31m\u202e</hostname>',
    );
    const server = await listen((req, res) => {
      if (req.method === 'GET' && req.url?.includes('config-v1.1.xml')) {
        res.writeHead(200, { 'Content-Type': 'application/xml; charset=utf-8' }).end(hostile);
      } else if (req.method === 'POST') {
        res
          .writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' })
          .end(
            `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Error Time="00:00:00" Id="1"><ErrorCode>600</ErrorCode><Message>Invalid Request\u001b]0;evil-title\u0007</Message><DebugData /></Error></Response></Autodiscover>`,
          );
      } else createApp({ snapshot: () => snapshot })(req, res);
    });
    const result = await check(goodRecords(), { httpPort: server });
    // Shown, not hidden: each control character as a visible escape (host names are lower-cased).
    expect(result.stdout).toContain('\\x1b[2j\\x1b[31mpwned\\x1b[0m\\x9b31m\\u202e');
    expect(result.stdout).toContain('evil-title\\x07');
    expect(controlCharacters(result.stdout)).toEqual([]);
    expect(result.code).toBe(1);
    const json = await check(goodRecords(), { httpPort: server, args: ['--json'] });
    expect(controlCharacters(json.stdout)).toEqual([]);
    // The JSON still says exactly what the server sent, escaped.
    expect(json.stdout).toContain('pwned\\u001b[0m\\u009b31m\\u202e');
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain('\u009b31m\u202e');
  });

  it('reports an Autodiscover error answer with what it means', async () => {
    const other = new Snapshot(
      loadInline({
        'a.yaml': `domain: other.example
incoming: [{ type: imap, host: imap.other.example, security: tls }]
outgoing: [{ type: smtp, host: smtp.other.example, security: tls }]
`,
      }),
    );
    const stale = await listen(createApp({ snapshot: () => other }));
    const result = await check(goodRecords(), { httpPort: stale });
    expect(failures(result.stdout)).toContain(
      `  ✘ POST http://example.com/autodiscover/autodiscover.xml: Autodiscover error 500 "The email address can't be found."`,
    );
    expect(result.stdout).toContain(
      "fix: the server does not know this address's domain: add the domain to that server's config, or have the web server of example.com pass /autodiscover/ to autoconfig.hosting.example",
    );
    expect(
      failures(result.stdout).some((line) =>
        line.includes('config-v1.1.xml?emailaddress=alice%40example.com: HTTP 404'),
      ),
    ).toBe(true);
    expect(result.code).toBe(1);
  });

  it('reports a server that serves other settings (here: another login name) for the domain', async () => {
    const stale = new Snapshot(
      loadInline({
        'a.yaml': `domain: example.com
incoming: [{ type: imap, host: imap.example.com, security: tls }, { type: pop3, host: pop.example.com, security: tls }]
outgoing: [{ type: smtp, host: smtp.example.com, security: tls }, { type: smtp, host: smtp.example.com, security: starttls }]
username: localpart
`,
      }),
    );
    const result = await check(goodRecords(), {
      httpPort: await listen(createApp({ snapshot: () => stale })),
    });
    expect(failures(result.stdout)).toContain(
      '  ✘ POST http://autodiscover.example.com/autodiscover/autodiscover.xml: server 1 (IMAP imap.example.com) has login alice, the config says alice@example.com',
    );
    expect(
      failures(result.stdout).some((line) =>
        line.endsWith(
          'server 1 (incoming imap imap.example.com) has login %EMAILLOCALPART%, the config says %EMAILADDRESS%',
        ),
      ),
    ).toBe(true);
    expect(result.code).toBe(1);
  });

  it('a mail host without address records is one essential failure, said once: exit 1', async () => {
    const records = goodRecords().filter(
      (r) => !(r.name === 'imap.example.com' && (r.type === 'A' || r.type === 'AAAA')),
    );
    const result = await check(records);
    expect(failures(result.stdout)).toEqual([
      '  ✘ imap.example.com. A/AAAA: no A or AAAA record: clients cannot connect',
    ]);
    expect(result.stdout).not.toContain('clients manage without it');
    expect(result.stdout).toContain('needed by clients: fix those first.');
    expect(result.code).toBe(1);
  });

  it('a missing "not offered" record is a minor problem: exit 0', async () => {
    const result = await check(goodRecords().filter((r) => !isSrv(r, '_pop3._tcp.example.com')));
    expect(failures(result.stdout)).toEqual([
      '  ✘ _pop3._tcp.example.com. SRV: no record (clients manage without it)',
    ]);
    expect(result.stdout).toContain(
      'fix: publish _pop3._tcp.example.com. 3600 IN SRV 0 0 0 . so RFC 6186 clients know',
    );
    expect(result.code).toBe(0);
  });

  it('checks a domain with a probe address and prints JSON', async () => {
    const result = await check(goodRecords(), { target: 'example.net', args: ['--json'] });
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      address: string;
      results: { ok: boolean; subject: string; message: string }[];
    };
    expect(report.address).toBe('postmaster@example.net');
    // example.net has no MX in the test zone: reported, but clients do not need it.
    expect(report.results.filter((r) => !r.ok).map((r) => r.subject)).toEqual(['example.net. MX']);
    expect(report.ok).toBe(true);
    expect(result.code).toBe(0);
  });

  it.each([
    [
      ['check', 'alice@unknown.example', '--resolver', '127.0.0.1:53'],
      2,
      'unknown.example is not in the config',
    ],
    [['check', 'not an address'], 2, 'expected an email address or a domain name'],
    [['check', 'example.com', '--resolver', '127.0.0.1:99999'], 2, 'expected an IP address'],
    [['check', 'example.com', '--resolver', 'dns.example:53'], 2, 'expected an IP address'],
    [['check', 'example.com', '--connect-to', 'host:99999'], 2, 'expected HOST:PORT:ADDRESS:PORT'],
  ])('%j exits %i with a clear message', async (argv, code, message) => {
    const result = await runCli(argv);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
