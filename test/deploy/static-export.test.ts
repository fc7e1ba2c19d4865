import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { ConfigHolder } from '../../src/catalog/config-holder';
import { startServer, type RunningServer } from '../../src/server/start';
import { runCli } from '../helpers/cli';
import { loadExample, EXAMPLE_CONFIG_DIR } from '../helpers/example';
import { waitFor } from '../helpers/loopback-client';
import { describeWithTools, freePort, runTool, tempDir } from '../helpers/tools';

interface RawReply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

function rawGet(port: number, host: string, path: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every served name of the example config: the domains and their aliases. */
async function exampleNames(): Promise<string[]> {
  const config = await loadExample();
  return config.domains.flatMap((d) => [d.domain, ...d.aliases]);
}

describe('export --static', () => {
  it('writes both URL forms for every domain and alias, byte for byte what the server sends', async () => {
    const out = tempDir('export');
    const server = await startServer({
      holder: ConfigHolder.fromConfig(EXAMPLE_CONFIG_DIR, await loadExample()),
      logger: pino({ level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const result = await runCli(['export', '--static', out.path, '--config', EXAMPLE_CONFIG_DIR]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const port = Number(new URL(server.url).port);
      const names = await exampleNames();
      expect(names.length).toBeGreaterThanOrEqual(3);
      for (const name of names) {
        for (const [host, path] of [
          [`autoconfig.${name}`, '/mail/config-v1.1.xml'],
          [name, '/.well-known/autoconfig/mail/config-v1.1.xml'],
        ] as const) {
          const served = await rawGet(port, host, path);
          expect(served.status).toBe(200);
          expect(readFileSync(join(out.path, host, ...path.split('/')))).toEqual(served.body);
        }
      }
    } finally {
      await server.close(100);
      out.remove();
    }
  });

  it('re-running writes only what changed and removes what is no longer served', async () => {
    const out = tempDir('export');
    const config = tempDir('export-config');
    cpSync(EXAMPLE_CONFIG_DIR, config.path, { recursive: true });
    // Two files per name, and the three web server snippets.
    const files = (await exampleNames()).length * 2 + 3;
    const extra = join(config.path, 'domains', 'extra.yaml');
    const domain = (provider: string) =>
      `domain: extra.example\nprovider: { name: ${provider} }\n` +
      'incoming: [{ type: imap, host: imap.extra.example, security: tls }]\n' +
      'outgoing: [{ host: smtp.extra.example, security: tls }]\n';
    const exportNow = async () => {
      const result = await runCli(['export', '--static', out.path, '--config', config.path]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return result.stdout;
    };
    try {
      expect(await exportNow()).toContain(`${files} files written, 0 unchanged, 0 removed`);
      const com = join(out.path, 'autoconfig.example.com', 'mail', 'config-v1.1.xml');
      const before = statSync(com).mtimeMs;
      expect(await exportNow()).toContain(`0 files written, ${files} unchanged, 0 removed`);

      writeFileSync(extra, domain('Extra Mail'));
      expect(await exportNow()).toContain(`2 files written, ${files} unchanged, 0 removed`);
      writeFileSync(extra, domain('Renamed Mail'));
      expect(await exportNow()).toContain(`2 files written, ${files} unchanged, 0 removed`);
      expect(
        readFileSync(
          join(out.path, 'extra.example', '.well-known', 'autoconfig', 'mail', 'config-v1.1.xml'),
          'utf8',
        ),
      ).toContain('Renamed Mail');
      expect(statSync(com).mtimeMs).toBe(before);

      writeFileSync(extra, '');
      expect(await exportNow()).toContain(`0 files written, ${files} unchanged, 2 removed`);
      expect(existsSync(join(out.path, 'autoconfig.extra.example'))).toBe(false);
      expect(existsSync(join(out.path, 'extra.example'))).toBe(false);
    } finally {
      out.remove();
      config.remove();
    }
  });
});

describeWithTools([['nginx', 'apt-get install nginx']], 'export --static served by the real nginx', () => {
  let server: RunningServer;
  let nginx: ChildProcess;
  let out: ReturnType<typeof tempDir>;
  let nginxPort: number;
  let serverPort: number;

  beforeAll(async () => {
    out = tempDir('export-nginx');
    const exported = await runCli([
      'export',
      '--static',
      join(out.path, 'tree'),
      '--config',
      EXAMPLE_CONFIG_DIR,
    ]);
    expect(exported.code).toBe(0);
    server = await startServer({
      holder: ConfigHolder.fromConfig(EXAMPLE_CONFIG_DIR, await loadExample()),
      logger: pino({ level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
    });
    serverPort = Number(new URL(server.url).port);
    nginxPort = await freePort();
    // The generated snippet as it is, with only the listen address moved to a loopback port.
    const snippet = readFileSync(join(out.path, 'tree', '_server', 'nginx.conf'), 'utf8')
      .replace('listen [::]:80;\n', '')
      .replace('listen 80;', `listen 127.0.0.1:${nginxPort};`);
    writeFileSync(join(out.path, 'site.conf'), snippet);
    const conf = join(out.path, 'nginx.conf');
    writeFileSync(
      conf,
      [
        `pid ${out.path}/nginx.pid;`,
        'error_log stderr;',
        'events {}',
        'http {',
        '  access_log off;',
        `  client_body_temp_path ${out.path}/body;`,
        `  include ${out.path}/site.conf;`,
        '}',
        '',
      ].join('\n'),
    );
    const check = await runTool('nginx', ['-t', '-q', '-p', out.path, '-c', conf]);
    expect(check.stderr).toBe('');
    nginx = spawn('nginx', ['-p', out.path, '-c', conf, '-g', 'daemon off; master_process off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await waitFor('nginx to listen', async () => {
      const reply = await rawGet(nginxPort, 'example.com', '/');
      return reply.status > 0 ? reply : undefined;
    });
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    await server?.close(100);
    out?.remove();
  });

  it('serves every document with the status, content type and bytes the server sends', async () => {
    for (const name of await exampleNames()) {
      for (const [host, path] of [
        [`autoconfig.${name}`, '/mail/config-v1.1.xml'],
        [name, '/.well-known/autoconfig/mail/config-v1.1.xml'],
        [`autoconfig.${name}`, '/mail/config-v1.1.xml?emailaddress=alice%40' + name],
      ] as const) {
        const [fromNginx, fromServer] = await Promise.all([
          rawGet(nginxPort, host, path),
          rawGet(serverPort, host, path),
        ]);
        expect({ host, path, status: fromNginx.status, type: fromNginx.contentType }).toEqual({
          host,
          path,
          status: fromServer.status,
          type: fromServer.contentType,
        });
        expect(fromNginx.status).toBe(200);
        expect(fromNginx.body.equals(fromServer.body)).toBe(true);
      }
    }
  });

  it('answers 404 for names not exported and other paths, and never leaves the tree', async () => {
    expect((await rawGet(nginxPort, 'autoconfig.unknown.example', '/mail/config-v1.1.xml')).status).toBe(404);
    expect((await rawGet(nginxPort, 'autoconfig.example.com', '/other.xml')).status).toBe(404);
    expect((await rawGet(nginxPort, '_server', '/mail/config-v1.1.xml')).status).toBe(404);
    expect((await rawGet(nginxPort, '..', '/mail/config-v1.1.xml')).status).toBe(400);
  });
});

describeWithTools([['caddy', 'apt-get install caddy']], 'export --static served by the real Caddy', () => {
  let caddy: ChildProcess;
  let out: ReturnType<typeof tempDir>;
  let port: number;

  beforeAll(async () => {
    out = tempDir('export-caddy');
    const tree = join(out.path, 'tree');
    expect((await runCli(['export', '--static', tree, '--config', EXAMPLE_CONFIG_DIR])).code).toBe(0);
    port = await freePort();
    const file = join(out.path, 'Caddyfile');
    writeFileSync(
      file,
      `{\n\tadmin off\n\tauto_https off\n\tstorage file_system ${out.path}/data\n}\n` +
        `http://:${port} {\n\timport ${tree}/_server/Caddyfile\n\trespond 404\n}\n`,
    );
    caddy = spawn('caddy', ['run', '--config', file, '--adapter', 'caddyfile'], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, HOME: out.path, XDG_DATA_HOME: out.path, XDG_CONFIG_HOME: out.path },
    });
    await waitFor('caddy to listen', async () => {
      const reply = await rawGet(port, 'example.com', '/');
      return reply.status > 0 ? reply : undefined;
    });
  });

  afterAll(async () => {
    if (caddy && caddy.exitCode === null) {
      const exited = new Promise((resolve) => caddy.once('exit', resolve));
      caddy.kill('SIGTERM');
      await exited;
    }
    out?.remove();
  });

  it('serves the documents with the right content type and bytes, and nothing outside the tree', async () => {
    const tree = join(out.path, 'tree');
    for (const name of await exampleNames()) {
      const reply = await rawGet(port, name, '/.well-known/autoconfig/mail/config-v1.1.xml');
      expect(reply.status).toBe(200);
      expect(reply.contentType).toBe('application/xml; charset=utf-8');
      expect(reply.body).toEqual(
        readFileSync(join(tree, name, '.well-known', 'autoconfig', 'mail', 'config-v1.1.xml')),
      );
      expect((await rawGet(port, `autoconfig.${name}`, '/mail/config-v1.1.xml')).status).toBe(200);
    }
    expect((await rawGet(port, '..', '/mail/config-v1.1.xml')).status).toBe(404);
    expect((await rawGet(port, 'autoconfig.unknown.example', '/mail/config-v1.1.xml')).status).toBe(404);
  });
});
