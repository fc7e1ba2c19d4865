import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { generateLoad, type LoadResult, type LoadTool } from './bench-load';
import { DB_PASSWORD, ThrowawayPostgres } from './throwaway-postgres';

/**
 * The SQL source scenario of `npm run bench`: a throwaway PostgreSQL (Debian's package) holding
 * N domain rows, the server reading them, then a refresh that changes every row while the server
 * is under load. Reports the time until all rows are served, the resident memory, and the
 * latency of the load with and without the refresh.
 */

export interface SourceBenchOptions {
  readonly root: string;
  readonly work: string;
  readonly rows: number;
  readonly tool: LoadTool;
  readonly connections: number;
  readonly seconds: number;
  readonly loadCpu: number | undefined;
  readonly log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function rssMiB(child: ChildProcess): number {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  } catch {
    return Number.NaN;
  }
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export async function sourceBench(options: SourceBenchOptions) {
  const { log, rows } = options;
  let db: ThrowawayPostgres;
  try {
    db = await ThrowawayPostgres.create();
  } catch (error) {
    log(`\nsource scenario skipped: ${error instanceof Error ? error.message : String(error)}`);
    return { skipped: 'no PostgreSQL' };
  }
  let server: ChildProcess | undefined;
  try {
    await db.sql(`CREATE TABLE mail_domain (name text PRIMARY KEY, profile text NOT NULL)`);
    await db.sql(
      `INSERT INTO mail_domain SELECT 'customer-' || g || '.example', 'hosting-eu' FROM generate_series(0, $1 - 1) g`,
      [rows],
    );
    const config = join(options.work, 'source-config');
    mkdirSync(config);
    writeFileSync(
      join(config, 'service.yaml'),
      `service: { publicHost: autoconfig.hosting.example }
profiles:
  hosting-eu:
    incoming: [{ type: imap, host: imap.hosting.example, security: tls }]
    outgoing: [{ type: smtp, host: smtp.hosting.example, security: tls }]
  hosting-us:
    incoming: [{ type: imap, host: imap.us.hosting.example, security: tls }]
    outgoing: [{ type: smtp, host: smtp.us.hosting.example, security: tls }]
sources:
  - type: postgresql
    url: \${MAIL_AUTOCONF_DB_URL}
    query: SELECT name AS domain, profile FROM mail_domain
    refresh: 1h
    notify: mail_autoconf
`,
    );
    log(`\n${rows} source rows in a PostgreSQL on port ${db.port}`);

    const cli = join(options.root, 'dist', 'src', 'bin', 'cli.js');
    const started = performance.now();
    server = spawn(process.execPath, [cli, 'serve', '--config', config, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        MAIL_AUTOCONF_DB_URL: db.url,
      },
    });
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let url: string | undefined;
    while (url === undefined) {
      url = /"url":"(http:[^"]+)"/.exec(output)?.[1];
      if (server.exitCode !== null) throw new Error(`serve exited: ${output}`);
      if (performance.now() - started > 60_000)
        throw new Error(`serve did not start: ${output.slice(0, 2000)}`);
      await sleep(10);
    }
    const last = `${url}/mail/config-v1.1.xml?emailaddress=a%40customer-${rows - 1}.example`;
    for (;;) {
      const ready = await get(`${url}/readyz`);
      if (ready.status === 200 && (await get(last)).status === 200) break;
      if (performance.now() - started > 120_000) throw new Error(`the rows were not served: ${ready.body}`);
      await sleep(20);
    }
    const loadSeconds = (performance.now() - started) / 1000;
    const loadRss = rssMiB(server);
    log(
      `serve with ${rows} source rows: all served ${fixed(loadSeconds)} s after start, RSS ${fixed(loadRss, 0)} MiB`,
    );

    const hot = {
      url: last,
      connections: options.connections,
      seconds: Math.max(options.seconds * 2, 10),
    };
    const quiet = await generateLoad(options.tool, hot, options.loadCpu);
    // Every row changes: the refresh validates and resolves all of them again.
    const loaded = generateLoad(options.tool, hot, options.loadCpu);
    await sleep((hot.seconds * 1000) / 4);
    const changedAt = performance.now();
    await db.sql(`UPDATE mail_domain SET profile = 'hosting-us'`);
    await db.sql(`NOTIFY mail_autoconf`);
    let refreshSeconds = Number.NaN;
    for (;;) {
      if ((await get(last)).body.includes('imap.us.hosting.example')) {
        refreshSeconds = (performance.now() - changedAt) / 1000;
        break;
      }
      if (performance.now() - changedAt > hot.seconds * 1000) break;
      await sleep(20);
    }
    const during: LoadResult = await loaded;
    const refreshRss = rssMiB(server);
    log(
      `load without refresh: ${fixed(quiet.perSecond, 0)} req/s p50 ${fixed(quiet.p50)} ms p99 ${fixed(quiet.p99)} ms max ${fixed(quiet.max)} ms`,
    );
    log(
      `load with a refresh of all ${rows} rows: ${fixed(during.perSecond, 0)} req/s p50 ${fixed(during.p50)} ms ` +
        `p99 ${fixed(during.p99)} ms max ${fixed(during.max)} ms, ${during.errors} errors, ${during.non2xx} not 2xx; ` +
        `changed rows served ${fixed(refreshSeconds)} s after the NOTIFY; RSS ${fixed(refreshRss, 0)} MiB ` +
        `(targets: load < 5 s, RSS < 400 MiB, p99 < 50 ms, no errors)`,
    );
    if (output.includes(DB_PASSWORD)) log('WARNING: the database password appeared in the server output');
    return {
      rows,
      loadSeconds,
      loadRssMiB: loadRss,
      quiet,
      during,
      refreshSeconds,
      refreshRssMiB: refreshRss,
      passwordInOutput: output.includes(DB_PASSWORD),
    };
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await db.destroy();
  }
}
