import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { toPacketAnswer } from '../../src/dns/record';
import { domainZones } from '../../src/dns/records';
import { createApp } from '../../src/http/app';
import { Snapshot } from '../../src/catalog/snapshot';
import { runCli } from '../helpers/cli';
import { startDnsServer, type TestDnsServer, type TestRecord } from '../helpers/dns-server';
import { loadInline } from '../helpers/example';
import { startMailPlatforms, type MailPlatforms } from '../helpers/mail-platforms';
import { describeWithTools, freePort, tempDir } from '../helpers/tools';

const SERVICE = `service:
  publicHost: autoconfig.hoster.test
  publicAddresses: [127.0.0.1]
`;
const GOOD = `domain: good.test
incoming:
  - { type: imap, host: mail.good.test, port: 993, security: tls }
  - { type: pop3, host: mail.good.test, port: 110, security: starttls }
outgoing:
  - { type: smtp, host: mail.good.test, port: 465, security: tls }
  - { type: smtp, host: mail.good.test, port: 587, security: starttls }
username: email
`;
/** Every fault a server can have that clients trip over, one per entry. */
const BROKEN = `domain: broken.test
incoming:
  - { type: imap, host: mail.good.test, port: 995, security: tls }          # POP3 answers there
  - { type: imap, host: mail.good.test, port: 9993, security: tls }         # nothing listens
  - { type: pop3, host: mail.plain.test, port: 110, security: starttls }    # plain text only
  - { type: imap, host: mail.good.test, port: 143, security: tls }          # STARTTLS port
outgoing:
  - { type: smtp, host: mail.othername.test, port: 465, security: tls }     # certificate for another name
  - { type: smtp, host: mail.expired.test, port: 587, security: starttls }  # expired certificate
  - { type: smtp, host: mail.good.test, port: 587, security: starttls, auth: password-encrypted } # no CRAM-MD5 or SCRAM
`;

/**
 * `check` connects to every advertised server with the advertised security, against real Dovecot
 * instances: a good platform, one that speaks only plain text, one whose certificate names another
 * host and one whose certificate has expired.
 */
describeWithTools(
  [
    ['dovecot', 'Debian packages dovecot-imapd dovecot-pop3d dovecot-submissiond (.ci/setup.d)'],
    ['openssl', 'Debian package openssl'],
  ],
  'check proves the mail servers',
  () => {
    let platforms: MailPlatforms;
    let dns: TestDnsServer;
    let config: { path: string; remove: () => void };
    const servers: Server[] = [];
    let httpPort: number;
    let httpsPort: number;
    let closedPort: number;

    beforeAll(async () => {
      platforms = await startMailPlatforms([
        {
          domain: 'good.test',
          hosts: ['mail.good.test'],
          users: [{ login: 'anna@good.test', password: 'x' }],
        },
        {
          domain: 'plain.test',
          hosts: ['mail.plain.test'],
          users: [{ login: 'anna@plain.test', password: 'x' }],
          listeners: ['imap', 'pop3', 'submission'],
          noTls: true,
        },
        {
          domain: 'othername.test',
          hosts: ['mail.othername.test'],
          certificateNames: ['mail.elsewhere.test'],
          users: [{ login: 'anna@othername.test', password: 'x' }],
        },
        {
          domain: 'expired.test',
          hosts: ['mail.expired.test'],
          expired: true,
          users: [{ login: 'anna@expired.test', password: 'x' }],
        },
      ]);
      config = tempDir('check-servers');
      mkdirSync(join(config.path, 'domains'));
      writeFileSync(join(config.path, 'service.yaml'), SERVICE);
      writeFileSync(join(config.path, 'domains', 'good.test.yaml'), GOOD);
      writeFileSync(join(config.path, 'domains', 'broken.test.yaml'), BROKEN);
      const loaded = loadInline({ 'service.yaml': SERVICE, 'good.yaml': GOOD, 'broken.yaml': BROKEN });
      const snapshot = new Snapshot(loaded);
      const app = createApp({ snapshot: () => snapshot });
      const http = createHttpServer(app);
      // The https names: a certificate for autoconfig.good.test only, so autodiscover.good.test is refused.
      const leaf = platforms.pki.issue(['autoconfig.good.test', 'good.test']);
      const https = createHttpsServer(
        { cert: readFileSync(leaf.certificate), key: readFileSync(leaf.key) },
        app,
      );
      for (const server of [http, https]) {
        servers.push(server);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      }
      httpPort = (http.address() as AddressInfo).port;
      httpsPort = (https.address() as AddressInfo).port;
      closedPort = await freePort();
      // What the good domain's zone publishes: our generated records, the hoster's address, an MX.
      const records: TestRecord[] = [
        ...(snapshot.domains.flatMap((settings) =>
          domainZones(settings, snapshot.dns).flatMap((zone) => zone.records.map(toPacketAnswer)),
        ) as TestRecord[]),
        { name: 'autoconfig.hoster.test', type: 'A', ttl: 60, data: '127.0.0.1' },
        // The MX is at a hoster: Thunderbird then also asks autoconfig.<the hoster's domain>.
        { name: 'good.test', type: 'MX', ttl: 60, data: { preference: 10, exchange: 'mx1.mailhoster.test' } },
        { name: 'mx1.mailhoster.test', type: 'A', ttl: 60, data: '127.0.0.1' },
        { name: 'autoconfig.mailhoster.test', type: 'A', ttl: 60, data: '127.0.0.1' },
        ...['mail.good.test', 'mail.plain.test', 'mail.othername.test', 'mail.expired.test'].map(
          (name): TestRecord => ({ name, type: 'A', ttl: 60, data: '127.0.0.1' }),
        ),
      ];
      dns = await startDnsServer(records);
    }, 60_000);
    afterAll(async () => {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      await dns?.close();
      await platforms?.stop();
      config?.remove();
    });

    const mappings = () => [
      ...platforms.connectTo,
      `mail.good.test:9993:127.0.0.1:${closedPort}`,
      ...[
        'autoconfig.good.test',
        'autodiscover.good.test',
        'good.test',
        'autoconfig.hoster.test',
        'autoconfig.mailhoster.test',
      ].flatMap((host) => [`${host}:80:127.0.0.1:${httpPort}`, `${host}:443:127.0.0.1:${httpsPort}`]),
    ];
    const check = (target: string, extra: readonly string[] = []) =>
      runCli([
        'check',
        target,
        '--config',
        config.path,
        '--resolver',
        `127.0.0.1:${dns.port}`,
        '--ca-file',
        platforms.pki.ca,
        '--timeout',
        '2',
        ...mappings().flatMap((mapping) => ['--connect-to', mapping]),
        ...extra,
      ]);
    const section = (stdout: string, title: string) => {
      const start = stdout.indexOf(`\n${title}`);
      const end = stdout.indexOf('\n\n', start + 1);
      return stdout.slice(start, end < 0 ? undefined : end);
    };

    it('a good platform over plain http: every server and the whole domain pass', async () => {
      const result = await check('anna@good.test', ['--http']);
      const servers = section(result.stdout, 'Mail servers');
      expect(servers).toMatch(
        /✔ mail\.good\.test:993 IMAP TLS: TLSv1\.[23], AUTH PLAIN LOGIN \(password-cleartext\)/,
      );
      expect(servers).toMatch(
        /✔ mail\.good\.test:993 certificate: certificate for mail\.good\.test valid for \d+ more days/,
      );
      expect(servers).toMatch(/✔ mail\.good\.test:110 POP3 STARTTLS/);
      expect(servers).toMatch(/✔ mail\.good\.test:587 SMTP STARTTLS/);
      expect(servers).not.toContain('✘');
      expect(result.stdout).toMatch(
        /✔ GET http:\/\/autodiscover\.good\.test\/autodiscover\/autodiscover\.json\/v1\.0\/anna%40good\.test\?Protocol=AutodiscoverV1: Autodiscover v2 points at/,
      );
      expect(result.stdout).toContain(
        "✔ http://autoconfig.mailhoster.test/mail/config-v1.1.xml?emailaddress=anna%40good.test: settings for good.test match the config (Thunderbird's MX-based lookup for MX mx1.mailhoster.test",
      );
      expect(result.stdout).toContain('All ');
      expect(result.code).toBe(0);
    });

    it('over https: the certificates of autoconfig. and autodiscover. are checked', async () => {
      const result = await check('anna@good.test');
      const https = section(result.stdout, 'Certificates of the https names');
      expect(https).toMatch(
        /✔ autoconfig\.good\.test:443 certificate: certificate for autoconfig\.good\.test, good\.test valid/,
      );
      expect(https).toContain(
        '✘ autodiscover.good.test:443 certificate: certificate issued for autoconfig.good.test, good.test, not autodiscover.good.test',
      );
      expect(result.code).toBe(1);
    });

    it('names every server fault: wrong port, plain text only, STARTTLS port, other name, expired, no AUTH', async () => {
      const result = await check('anna@broken.test', ['--http']);
      const lines = section(result.stdout, 'Mail servers').split('\n');
      const line = (start: string) => lines.find((l) => l.includes(start)) ?? `(no line for ${start})`;
      expect(line('✘ mail.good.test:995 IMAP TLS')).toContain('not an IMAP greeting: +OK');
      expect(line('✘ mail.good.test:995 IMAP TLS')).toContain(
        'another service answers on this port (wrong port)',
      );
      expect(line('✘ mail.good.test:9993 IMAP TLS')).toContain('wrong port or host');
      expect(line('✘ mail.plain.test:110 POP3 STARTTLS')).toContain('the server does not offer STLS');
      expect(line('✘ mail.good.test:143 IMAP TLS')).toContain('the port works with security: starttls');
      expect(line('✘ mail.othername.test:465 certificate')).toContain(
        'certificate issued for mail.elsewhere.test, not mail.othername.test',
      );
      expect(line('✘ mail.expired.test:587 certificate')).toContain('certificate expired on 2020-03-01');
      expect(line('✘ mail.good.test:587 SMTP STARTTLS')).toContain(
        'no matching AUTH mechanism: the server offers PLAIN LOGIN, the config says password-encrypted',
      );
      expect(result.code).toBe(1);
    });

    it('--format json (and --json) for monitoring', async () => {
      for (const flag of [['--format', 'json'], ['--json']]) {
        const result = await check('anna@broken.test', ['--http', ...flag]);
        const report = JSON.parse(result.stdout) as {
          ok: boolean;
          results: { section: string; ok: boolean; essential: boolean; subject: string; message: string }[];
        };
        expect(report.ok).toBe(false);
        expect(report.results).toContainEqual(
          expect.objectContaining({
            section: 'servers',
            ok: false,
            essential: true,
            subject: 'mail.expired.test:587 certificate',
          }),
        );
        expect(result.code).toBe(1);
      }
    });
  },
);
