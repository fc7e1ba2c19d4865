import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { ConfigHolder } from '../../src/catalog/config-holder';
import { startServer, type RunningServer } from '../../src/server/start';
import { loadExample, REPO_ROOT } from '../helpers/example';
import { INTERNAL_ANSWER, INTERNAL_PATH_SPELLINGS } from '../helpers/internal-paths';
import { get, waitFor } from '../helpers/loopback-client';
import { describeWithTools, freePort, runTool, tempDir } from '../helpers/tools';

const SITE = join(REPO_ROOT, 'deploy', 'nginx', 'mail-autoconf.conf');

interface Placement {
  /** Replaces 127.0.0.1:8080 (the upstream) and the listen ports, for a live run. */
  readonly upstream?: string;
  readonly httpPort?: number;
  readonly httpsPort?: number;
}

/**
 * The shipped site file inside a minimal nginx.conf in a temporary prefix, with the certificate
 * paths pointed at a throwaway self-signed pair. For a live run, the ports and the upstream are
 * moved to loopback ports of the test; no other line is changed.
 */
async function prepare(siteText: string, placement: Placement = {}) {
  const dir = tempDir('nginx');
  const cert = join(dir.path, 'fullchain.pem');
  const key = join(dir.path, 'privkey.pem');
  const made = await runTool('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=autoconfig.example.com',
    '-addext',
    'subjectAltName=DNS:autoconfig.example.com,DNS:autodiscover.example.com',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  expect(made.code).toBe(0);
  let site = siteText
    .replace('/etc/ssl/mail-autoconf/fullchain.pem', cert)
    .replace('/etc/ssl/mail-autoconf/privkey.pem', key);
  if (placement.upstream) site = site.replace('server 127.0.0.1:8080;', `server ${placement.upstream};`);
  if (placement.httpPort && placement.httpsPort) {
    site = site
      .replace(/listen \[::\]:\d+[^;]*;\n/g, '')
      .replace('listen 80;', `listen 127.0.0.1:${placement.httpPort};`)
      .replace('listen 443 ssl;', `listen 127.0.0.1:${placement.httpsPort} ssl;`);
  }
  writeFileSync(join(dir.path, 'site.conf'), site);
  const conf = join(dir.path, 'nginx.conf');
  writeFileSync(
    conf,
    [
      `pid ${dir.path}/nginx.pid;`,
      'error_log stderr;',
      'events {}',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${dir.path}/body;`,
      `  proxy_temp_path ${dir.path}/proxy;`,
      `  include ${dir.path}/site.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  return { dir, cert: readFileSync(cert), args: ['-p', dir.path, '-c', conf] };
}

async function nginxTest(siteText: string) {
  const prepared = await prepare(siteText);
  try {
    return await runTool('nginx', ['-t', '-q', ...prepared.args]);
  } finally {
    prepared.dir.remove();
  }
}

describeWithTools(
  [
    ['nginx', 'apt-get install nginx'],
    ['openssl', 'apt-get install openssl'],
  ],
  'deploy/nginx/mail-autoconf.conf',
  () => {
    it('passes nginx -t', async () => {
      const result = await nginxTest(readFileSync(SITE, 'utf8'));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    });

    it('would fail nginx -t on a broken directive, so the check above is a real one', async () => {
      const result = await nginxTest(readFileSync(SITE, 'utf8').replace('proxy_pass', 'proxy_passs'));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('unknown directive "proxy_passs"');
    });

    describe('in front of the real server on loopback', () => {
      let server: RunningServer;
      let nginx: ChildProcess;
      let prepared: Awaited<ReturnType<typeof prepare>>;
      let httpPort: number;
      let httpsPort: number;

      beforeAll(async () => {
        server = await startServer({
          holder: ConfigHolder.fromConfig(join(REPO_ROOT, 'config'), await loadExample()),
          logger: pino({ level: 'silent' }),
          port: 0,
          host: '127.0.0.1',
          // What MAIL_AUTOCONF_TRUST_PROXY=loopback sets, as the site file's header says.
          trustProxy: 'loopback',
        });
        httpPort = await freePort();
        httpsPort = await freePort();
        prepared = await prepare(readFileSync(SITE, 'utf8'), {
          upstream: new URL(server.url).host,
          httpPort,
          httpsPort,
        });
        nginx = spawn('nginx', [...prepared.args, '-g', 'daemon off; master_process off;'], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        await waitFor('nginx to listen', async () => {
          const reply = await get({
            https: false,
            port: httpPort,
            host: 'autoconfig.example.com',
            path: '/',
          });
          return reply.status > 0 ? reply : undefined;
        });
      });

      afterAll(async () => {
        if (nginx && nginx.exitCode === null) {
          const exited = new Promise((resolve) => nginx.once('exit', resolve));
          nginx.kill('SIGTERM');
          await exited;
        }
        await server?.close(1000);
        prepared?.dir.remove();
      });

      it('serves autoconfig over https', async () => {
        const reply = await get(
          { https: true, port: httpsPort, host: 'autoconfig.example.com', path: '/mail/config-v1.1.xml' },
          prepared.cert,
        );
        expect(reply.status).toBe(200);
        expect(reply.body).toContain('<emailProvider id="example.com">');
      });

      it('forwards the scheme: a GET over https gets the POX settings (Delta Chat), plain http gets the redirect', async () => {
        const path = '/autodiscover/autodiscover.xml';
        const secure = await get(
          { https: true, port: httpsPort, host: 'autodiscover.example.com', path },
          prepared.cert,
        );
        expect(secure.status).toBe(200);
        expect(secure.body).toContain('<Server>imap.example.com</Server>');
        expect(secure.body).not.toContain('<ErrorCode>');
        const plain = await get({ https: false, port: httpPort, host: 'autodiscover.example.com', path });
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
            prepared.cert,
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
        const reply = await get(
          { https: true, port: httpsPort, host: 'autoconfig.example.com', path },
          prepared.cert,
        );
        expect(reply.status).toBe(404);
      });

      it('refuses Autodiscover bodies over 16 KiB before they reach the server', async () => {
        const reply = await new Promise<number>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port: httpPort,
              method: 'POST',
              path: '/autodiscover/autodiscover.xml',
              headers: { Host: 'autodiscover.example.com' },
            },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end('x'.repeat(20 * 1024));
        });
        expect(reply).toBe(413);
      });
    });
  },
);
