import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import pino from 'pino';
import { loadConfigDir } from '../../src/config/load';
import { ConfigHolder } from '../../src/catalog/config-holder';
import { startServer, type RunningServer } from '../../src/server/start';
import { startDeltaChat } from '../helpers/deltachat';
import { startDovecot, type TestDovecot } from '../helpers/dovecot';
import { REPO_ROOT } from '../helpers/example';
import { LogCapture } from '../helpers/config-dir';
import { get, waitFor } from '../helpers/loopback-client';
import { makeMailPki, type MailPki } from '../helpers/mail-pki';
import { startSocks5Proxy, type Socks5Proxy } from '../helpers/socks5';
import { describeWithTools, freePort, tempDir } from '../helpers/tools';

const serverLog = new LogCapture();
const CADDYFILE = join(REPO_ROOT, 'deploy', 'caddy', 'Caddyfile');
const PASSWORD = 'delta chat 1';

/**
 * The hosts the mail servers are advertised under are not names Delta Chat would guess
 * (imap.<domain>, mail.<domain>…), so a login proves that it used our answer.
 */
const FULL_YAML = `domain: full.test
incoming: [{ type: imap, host: imap-server.hoster.test, port: 993, security: tls }]
outgoing: [{ type: smtp, host: submit-server.hoster.test, port: 465, security: tls }]
username: email
`;
const LOCAL_YAML = `domain: local.test
incoming: [{ type: imap, host: imap-local.hoster.test, port: 993, security: tls }]
outgoing: [{ type: smtp, host: submit-local.hoster.test, port: 587, security: starttls }]
username: localpart
`;
/** The negative control: this platform wants the local part, the config says the full address. */
const WRONG_YAML = `domain: wrong.test
incoming: [{ type: imap, host: imap-local.hoster.test, port: 993, security: tls }]
outgoing: [{ type: smtp, host: submit-local.hoster.test, port: 587, security: starttls }]
username: email
`;
const SERVICE_YAML = `service:
  publicHost: autoconfig.hoster.test
  tls: { allowApex: true }
`;

type Route = 'autoconfig' | 'well-known' | 'outlook';

/**
 * A real client end to end: the Delta Chat core (official binary from npm) configures accounts from
 * mail-autoconf behind the shipped Caddy config (on-demand TLS, internal CA) and logs in to real
 * Dovecot instances. Host names and standard ports reach the test servers through a SOCKS5 proxy,
 * the client's own proxy option, so nothing touches /etc/hosts or any outside host.
 */
describeWithTools(
  [
    ['dovecot', 'Debian packages dovecot-imapd dovecot-pop3d dovecot-submissiond (.ci/setup.d)'],
    ['caddy', 'Debian package caddy (.ci/setup.d)'],
    ['openssl', 'Debian package openssl'],
    ['deltachat-rpc-server', 'the Delta Chat core from npm (.ci/setup.d/55-deltachat.sh)'],
  ],
  'Delta Chat configures itself from mail-autoconf',
  () => {
    let pki: MailPki;
    let full: TestDovecot;
    let local: TestDovecot;
    let server: RunningServer;
    let caddy: ChildProcess;
    let caddyLog = '';
    let home: ReturnType<typeof tempDir>;
    let config: ReturnType<typeof tempDir>;
    let caddyHttp: number;
    let caddyHttps: number;
    let trustBundle: string;

    beforeAll(async () => {
      pki = makeMailPki();
      full = await startDovecot({
        users: [
          { login: 'anna@full.test', password: PASSWORD },
          { login: 'first-last+tag_x@full.test', password: PASSWORD },
        ],
        ...pki.issue(['imap-server.hoster.test', 'submit-server.hoster.test']),
      });
      local = await startDovecot({
        users: [
          { login: 'anna', password: PASSWORD },
          { login: 'first-last+tag_x', password: PASSWORD },
        ],
        ...pki.issue(['imap-local.hoster.test', 'submit-local.hoster.test']),
      });
      config = tempDir('deltachat-config');
      mkdirSync(join(config.path, 'domains'));
      writeFileSync(join(config.path, 'service.yaml'), SERVICE_YAML);
      writeFileSync(join(config.path, 'domains', 'full.yaml'), FULL_YAML);
      writeFileSync(join(config.path, 'domains', 'local.yaml'), LOCAL_YAML);
      writeFileSync(join(config.path, 'domains', 'wrong.yaml'), WRONG_YAML);
      const loaded = await loadConfigDir(config.path);
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
      server = await startServer({
        holder: ConfigHolder.fromConfig(config.path, loaded.config),
        logger: pino({ level: 'info' }, serverLog),
        port: 0,
        host: '127.0.0.1',
        trustProxy: 'loopback',
      });
      home = tempDir('deltachat-caddy');
      caddyHttp = await freePort();
      caddyHttps = await freePort();
      caddy = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', CADDYFILE], {
        env: {
          ...process.env,
          HOME: home.path,
          XDG_DATA_HOME: home.path,
          XDG_CONFIG_HOME: home.path,
          MAIL_AUTOCONF_UPSTREAM: new URL(server.url).host,
          ACME_CA: 'internal',
          CADDY_HTTP_PORT: String(caddyHttp),
          CADDY_HTTPS_PORT: String(caddyHttps),
          CADDY_ADMIN: 'off',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      caddy.stdout?.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
      caddy.stderr?.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
      await waitFor('caddy to listen', async () => {
        const reply = await get({ https: false, port: caddyHttp, host: 'autoconfig.full.test', path: '/' });
        return reply.status > 0 ? reply : undefined;
      });
      const rootPath = join(home.path, 'caddy', 'pki', 'authorities', 'local', 'root.crt');
      await waitFor('the internal CA', async () => {
        await get({ https: true, port: caddyHttps, host: 'autoconfig.full.test', path: '/' }).catch(
          () => undefined,
        );
        return existsSync(rootPath) ? true : undefined;
      });
      // The client trusts the public roots plus the test CAs (Caddy's and the mail servers').
      trustBundle = join(home.path, 'trust.pem');
      writeFileSync(
        trustBundle,
        [...rootCertificates, readFileSync(rootPath, 'utf8'), readFileSync(pki.ca, 'utf8')].join('\n'),
      );
    }, 90_000);

    afterAll(async () => {
      if (caddy && caddy.exitCode === null) {
        const exited = new Promise((resolve) => caddy.once('exit', resolve));
        caddy.kill('SIGTERM');
        await exited;
      }
      await server?.close();
      await full?.stop();
      await local?.stop();
      pki?.remove();
      home?.remove();
      config?.remove();
    });

    /** What the proxy lets through: the mail hosts always, the web names by discovery route. */
    function router(route: Route) {
      return (host: string, port: number) => {
        const mail: Record<string, TestDovecot> = {
          'imap-server.hoster.test': full,
          'submit-server.hoster.test': full,
          'imap-local.hoster.test': local,
          'submit-local.hoster.test': local,
        };
        const dovecot = mail[host];
        if (dovecot) {
          const real = dovecot.ports.get(port);
          return real ? { host: '127.0.0.1', port: real } : undefined;
        }
        const label = host.split('.')[0] ?? '';
        const web = port === 443 ? caddyHttps : port === 80 ? caddyHttp : undefined;
        if (web === undefined) return undefined;
        const apex = !['autoconfig', 'autodiscover'].includes(label) && host.split('.').length === 2;
        const allowed =
          route === 'autoconfig' ? true : route === 'well-known' ? apex : label === 'autodiscover';
        return allowed ? { host: '127.0.0.1', port: web } : undefined;
      };
    }

    async function configure(
      address: string,
      route: Route,
    ): Promise<{ ok: boolean; error?: string; log: string; proxied: string[] }> {
      const proxy: Socks5Proxy = await startSocks5Proxy(router(route));
      const dc = startDeltaChat({ SSL_CERT_FILE: trustBundle });
      try {
        const id = await dc.call<number>('add_account');
        await dc.call('set_config', [id, 'proxy_url', `socks5://127.0.0.1:${proxy.port}`]);
        await dc.call('set_config', [id, 'proxy_enabled', '1']);
        try {
          await dc.call('add_or_update_transport', [
            id,
            { addr: address, password: PASSWORD, certificateChecks: 'acceptInvalidCertificates' },
          ]);
          return { ok: true, log: dc.log.join(''), proxied: [...proxy.requests] };
        } catch (error) {
          return {
            ok: false,
            error: (error as Error).message,
            log: dc.log.join(''),
            proxied: [...proxy.requests],
          };
        }
      } finally {
        await dc.stop();
        await proxy.close();
      }
    }

    const requestsSince = (mark: number) =>
      serverLog
        .requests()
        .slice(mark)
        .filter((line) => line.protocol !== 'tls-ask')
        .map((line) => `${String(line.method)} ${String(line.path)} ${String(line.status)}`);

    it.each([
      // [address, route, the login Dovecot must see, the request that must have answered]
      ['anna@full.test', 'autoconfig', 'anna@full.test', 'GET /mail/config-v1.1.xml 200'],
      ['anna@local.test', 'autoconfig', 'anna', 'GET /mail/config-v1.1.xml 200'],
      [
        'first-last+tag_x@full.test',
        'autoconfig',
        'first-last+tag_x@full.test',
        'GET /mail/config-v1.1.xml 200',
      ],
      ['first-last+tag_x@local.test', 'autoconfig', 'first-last+tag_x', 'GET /mail/config-v1.1.xml 200'],
      [
        'anna@full.test',
        'well-known',
        'anna@full.test',
        'GET /.well-known/autoconfig/mail/config-v1.1.xml 200',
      ],
      ['anna@local.test', 'well-known', 'anna', 'GET /.well-known/autoconfig/mail/config-v1.1.xml 200'],
      [
        'first-last+tag_x@full.test',
        'outlook',
        'first-last+tag_x@full.test',
        'GET /autodiscover/autodiscover.xml 200',
      ],
      ['anna@full.test', 'outlook', 'anna@full.test', 'GET /autodiscover/autodiscover.xml 200'],
      // Not ['anna@local.test', 'outlook', …]: Delta Chat reads no LoginName from an Autodiscover
      // answer and logs in with the full address, so a local-part platform cannot be configured
      // through Outlook discovery alone, whatever the server says (README, "Delta Chat").
    ] as const)(
      '%s via %s: logs in as %s',
      async (address, route, login, request) => {
        const mark = serverLog.requests().length;
        const dovecot = address.endsWith('@full.test') ? full : local;
        const before = dovecot.log().split(`Login: user=<${login}>`).length;
        const result = await configure(address, route);
        // On failure the client's error and what it asked for are in the diff.
        expect({ ok: result.ok, error: result.error, asked: result.proxied }).toMatchObject({ ok: true });
        expect(requestsSince(mark)).toContain(request);
        // IMAP and SMTP (submission) both logged in with that name.
        expect(dovecot.log().split(`Login: user=<${login}>`).length - before).toBeGreaterThanOrEqual(2);
      },
      60_000,
    );

    it('negative control: a wrong login policy in the config makes the client fail', async () => {
      const mark = serverLog.requests().length;
      const result = await configure('anna@wrong.test', 'autoconfig');
      expect(requestsSince(mark)).toContain('GET /mail/config-v1.1.xml 200');
      expect(result.ok).toBe(false);
      expect(local.log()).toContain('user=<anna@wrong.test>');
    }, 60_000);
  },
);
