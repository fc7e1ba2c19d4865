import { domainZones } from '../../src/dns/records';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPacketAnswer } from '../../src/dns/record';
import { createApp } from '../../src/http/app';
import { runCli } from '../helpers/cli';
import { startDnsServer, type TestDnsServer, type TestRecord } from '../helpers/dns-server';
import { exampleSnapshot } from '../helpers/example';

/** `check` over https against the real app with a self-signed certificate for the example names. */
let dir: string;
let https: Server;
let dns: TestDnsServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-tls-'));
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=autoconfig.hosting.example',
      '-addext',
      'subjectAltName=DNS:example.com,DNS:autoconfig.example.com,DNS:autodiscover.example.com,DNS:autoconfig.hosting.example',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  const snapshot = await exampleSnapshot();
  https = createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    createApp({ snapshot: () => snapshot }),
  );
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const records = snapshot.domains
    .flatMap((s) => domainZones(s, snapshot.dns))
    .flatMap((z) => z.records.map(toPacketAnswer));
  dns = await startDnsServer([
    ...(records as TestRecord[]),
    { name: 'autoconfig.hosting.example', type: 'A', ttl: 60, data: '192.0.2.10' },
    { name: 'example.com', type: 'MX', ttl: 60, data: { preference: 10, exchange: 'mx1.example.com' } },
  ]);
});

afterAll(async () => {
  https.closeAllConnections();
  await new Promise((resolve) => https.close(resolve));
  await dns.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (...extra: string[]) =>
  runCli([
    'check',
    'alice@example.com',
    '--resolver',
    `127.0.0.1:${dns.port}`,
    '--connect-to',
    `127.0.0.1:${(https.address() as AddressInfo).port}`,
    // The example's mail hosts are documentation addresses: test/e2e probes real servers.
    '--no-servers',
    ...extra,
  ]);

describe('mail-autoconf check over https', () => {
  it('refuses a certificate it cannot verify, as clients do', async () => {
    const result = await run();
    expect(result.stdout).toMatch(
      /✘ https:\/\/autoconfig\.example\.com\/mail\/config-v1\.1\.xml\?emailaddress=alice%40example\.com: self-signed certificate/,
    );
    expect(result.stdout).toMatch(
      /✘ POST https:\/\/autodiscover\.example\.com\/autodiscover\/autodiscover\.xml: self-signed certificate/,
    );
    expect(result.stdout).not.toContain('✔ POST');
    expect(result.code).toBe(1);
  });

  it('with --insecure, the https answers are checked and pass without trying http', async () => {
    const result = await run('--insecure');
    // This server speaks only TLS, so the plain-http redirect probe fails; that is no client's need.
    expect(result.stdout.split('\n').filter((line) => line.includes('✘'))).toEqual([
      expect.stringMatching(
        /^ {2}✘ GET http:\/\/autodiscover\.example\.com\/autodiscover\/autodiscover\.xml: .*redirect probe.*\(clients manage without it\)$/,
      ),
    ]);
    expect(result.stdout).toContain(
      '✔ https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=alice%40example.com: settings for example.com match the config',
    );
    expect(result.stdout).not.toContain('http://autoconfig.');
    expect(result.code).toBe(0);
  });
});
