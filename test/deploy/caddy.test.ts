import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { ConfigHolder } from '../../src/catalog/config-holder';
import { startServer, type RunningServer } from '../../src/server/start';
import { loadExample, REPO_ROOT } from '../helpers/example';
import { INTERNAL_ANSWER, INTERNAL_PATH_SPELLINGS } from '../helpers/internal-paths';
import { get, waitFor } from '../helpers/loopback-client';
import { freePort, describeWithTools, runTool, tempDir } from '../helpers/tools';

const CADDYFILE = join(REPO_ROOT, 'deploy', 'caddy', 'Caddyfile');

describeWithTools([['caddy', 'apt-get install caddy']], 'deploy/caddy/Caddyfile', () => {
  it('passes caddy validate with its defaults', async () => {
    const home = tempDir('caddy-validate');
    try {
      const result = await runTool('caddy', ['validate', '--adapter', 'caddyfile', '--config', CADDYFILE], {
        env: { ...process.env, HOME: home.path, XDG_DATA_HOME: home.path, XDG_CONFIG_HOME: home.path },
      });
      expect(result.stdout + result.stderr).toContain('Valid configuration');
      expect(result.stderr).not.toMatch(/not formatted|"level":"(warn|error)".*Caddyfile/);
      expect(result.code).toBe(0);
    } finally {
      home.remove();
    }
  });

  describe('in front of the real server on loopback, with an internal CA', () => {
    let server: RunningServer;
    let caddy: ChildProcess;
    let caddyLog = '';
    let home: ReturnType<typeof tempDir>;
    let httpPort: number;
    let httpsPort: number;
    let rootCa: Buffer;

    beforeAll(async () => {
      const config = await loadExample();
      server = await startServer({
        holder: ConfigHolder.fromConfig(join(REPO_ROOT, 'config'), config),
        logger: pino({ level: 'silent' }),
        port: 0,
        host: '127.0.0.1',
        // What MAIL_AUTOCONF_TRUST_PROXY=loopback sets, as the Caddyfile's header says.
        trustProxy: 'loopback',
      });
      home = tempDir('caddy-run');
      httpPort = await freePort();
      httpsPort = await freePort();
      caddy = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', CADDYFILE], {
        env: {
          ...process.env,
          HOME: home.path,
          XDG_DATA_HOME: home.path,
          XDG_CONFIG_HOME: home.path,
          MAIL_AUTOCONF_UPSTREAM: new URL(server.url).host,
          ACME_CA: 'internal',
          CADDY_HTTP_PORT: String(httpPort),
          CADDY_HTTPS_PORT: String(httpsPort),
          CADDY_ADMIN: 'off',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      caddy.stdout?.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
      caddy.stderr?.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
      await waitFor('caddy to listen', async () => {
        const reply = await get({ https: false, port: httpPort, host: 'autoconfig.example.com', path: '/' });
        return reply.status > 0 ? reply : undefined;
      });
      // The approved name's handshake makes Caddy issue from its internal CA; its root then exists.
      const rootPath = join(home.path, 'caddy', 'pki', 'authorities', 'local', 'root.crt');
      await waitFor('the internal CA', async () => {
        await get({ https: true, port: httpsPort, host: 'autoconfig.example.com', path: '/' }).catch(
          () => undefined,
        );
        return existsSync(rootPath) ? true : undefined;
      });
      rootCa = readFileSync(rootPath);
    });

    afterAll(async () => {
      if (caddy && caddy.exitCode === null) {
        const exited = new Promise((resolve) => caddy.once('exit', resolve));
        caddy.kill('SIGTERM');
        await exited;
      }
      await server?.close(1000);
      home?.remove();
    });

    it('serves autoconfig over https with a certificate for the served name', async () => {
      const reply = await get(
        {
          https: true,
          port: httpsPort,
          host: 'autoconfig.example.com',
          path: '/mail/config-v1.1.xml?emailaddress=alice%40example.com',
        },
        rootCa,
      );
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(reply.body).toContain('<emailProvider id="example.com">');
    });

    it('gets a certificate for an alias and for autodiscover. names too', async () => {
      const alias = await get(
        { https: true, port: httpsPort, host: 'autoconfig.example.org', path: '/mail/config-v1.1.xml' },
        rootCa,
      );
      expect(alias.body).toContain('<emailProvider id="example.com">');
      const autodiscover = await get(
        {
          https: true,
          port: httpsPort,
          host: 'autodiscover.example.net',
          path: '/autodiscover/autodiscover.xml',
        },
        rootCa,
      );
      expect(autodiscover.status).toBe(200);
    });

    it('gets no certificate for names the ask endpoint refuses', async () => {
      for (const host of ['autoconfig.attacker.example', 'example.com', 'www.example.com']) {
        await expect(get({ https: true, port: httpsPort, host, path: '/' }, rootCa)).rejects.toThrow();
        expect(existsSync(join(home.path, 'caddy', 'certificates', 'local', host))).toBe(false);
      }
      expect(existsSync(join(home.path, 'caddy', 'certificates', 'local', 'autoconfig.example.com'))).toBe(
        true,
      );
    });

    it('forwards the scheme: a GET over https gets the POX settings (Delta Chat), plain http gets the redirect', async () => {
      const secure = await get(
        {
          https: true,
          port: httpsPort,
          host: 'autodiscover.example.com',
          path: '/autodiscover/autodiscover.xml',
        },
        rootCa,
      );
      expect(secure.status).toBe(200);
      expect(secure.body).toContain('<Server>imap.example.com</Server>');
      expect(secure.body).not.toContain('<ErrorCode>');
      const plain = await get({
        https: false,
        port: httpPort,
        host: 'autodiscover.example.com',
        path: '/autodiscover/autodiscover.xml',
      });
      expect(plain.status).toBe(302);
      expect(plain.headers.location).toBe('https://autodiscover.example.com/autodiscover/autodiscover.xml');
    });

    it('security review #6: keeps every internal path away from the public side, in any spelling', async () => {
      const direct = Number(new URL(server.url).port);
      // The server itself answers them: what the proxy lets through would be public.
      for (const path of [
        '/healthz',
        '/READYZ',
        '/Metrics/',
        '/.WELL-KNOWN/MAIL-AUTOCONF/TLS-ASK?domain=autoconfig.example.com',
      ])
        expect(
          (await get({ https: false, port: direct, host: 'autoconfig.example.com', path })).body,
        ).toMatch(INTERNAL_ANSWER);
      const leaked: string[] = [];
      for (const path of INTERNAL_PATH_SPELLINGS) {
        const viaHttps = await get(
          { https: true, port: httpsPort, host: 'autoconfig.example.com', path },
          rootCa,
        );
        const viaHttp = await get({ https: false, port: httpPort, host: 'autoconfig.example.com', path });
        for (const reply of [viaHttps, viaHttp])
          if (reply.status !== 404 || INTERNAL_ANSWER.test(reply.body))
            leaked.push(`${path} ${reply.status}`);
      }
      expect(leaked).toEqual([]);
    });

    it('keeps the ask endpoint away from the public side', async () => {
      const path = '/.well-known/mail-autoconf/tls-ask?domain=autoconfig.example.com';
      const viaHttps = await get(
        { https: true, port: httpsPort, host: 'autoconfig.example.com', path },
        rootCa,
      );
      expect(viaHttps.status).toBe(404);
      const viaHttp = await get({ https: false, port: httpPort, host: 'autoconfig.example.com', path });
      expect(viaHttp.status).toBe(404);
      const direct = await get({ https: false, port: Number(new URL(server.url).port), host: 'x', path });
      expect(direct.status).toBe(200);
    });
  });
});
