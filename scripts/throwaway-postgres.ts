import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A throwaway PostgreSQL from Debian's packages, in a temp directory on a free loopback port, for
 * the SQL source tests and the benchmark's source scenario, and the pieces other throwaway servers
 * of the tests share. PostgreSQL refuses to run as root, so as root it runs as `nobody` in a
 * directory that user owns.
 */

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `mail-autoconf-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export const NOBODY = { uid: 65534, gid: 65534 };
export const asRoot = process.getuid?.() === 0;

/** The password of the unprivileged account the tests give the server; never expected in a log. */
export const DB_PASSWORD = 'Secr3t-pw_for-tests';
export const DB_USER = 'autoconf';

function pgBin(name: string): string {
  // Debian installs the server binaries outside PATH, under /usr/lib/postgresql/<major>/bin.
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    for (const major of readdirSync(base).sort().reverse()) {
      const path = join(base, major, 'bin', name);
      if (existsSync(path)) return path;
    }
  }
  return name;
}

export function ownedTempDir(prefix: string): { path: string; remove: () => void } {
  const dir = tempDir(prefix);
  if (asRoot) chownSync(dir.path, NOBODY.uid, NOBODY.gid);
  return dir;
}

export function run(command: string, args: string[], debianPackage: string): void {
  const result = spawnSync(command, args, { ...(asRoot && NOBODY), encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `${command} could not run (${result.error.message}): install the Debian package ${debianPackage} (\`npm run test:tools\`)`,
    );
  }
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}${result.stdout}`);
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

export function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** A PostgreSQL cluster of its own: initdb, then `postgres` as a child process. */
export class ThrowawayPostgres {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly dir: { path: string; remove: () => void },
    readonly port: number,
    private readonly settings: readonly string[],
  ) {}

  /**
   * With `tls`, the server offers TLS with that certificate and key (PEM text) and refuses
   * connections over TCP without it.
   */
  static async create(
    options: { tls?: { certificate: string; key: string } } = {},
  ): Promise<ThrowawayPostgres> {
    const dir = ownedTempDir('pg');
    const settings: string[] = [];
    if (options.tls) {
      const cert = join(dir.path, 'server.pem');
      const key = join(dir.path, 'server.key');
      writeFileSync(cert, options.tls.certificate);
      writeFileSync(key, options.tls.key, { mode: 0o600 });
      if (asRoot) {
        chownSync(cert, NOBODY.uid, NOBODY.gid);
        chownSync(key, NOBODY.uid, NOBODY.gid);
      }
      settings.push('-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`);
    }
    const db = new ThrowawayPostgres(dir, await freePort(), settings);
    // Local socket connections (the tests' admin) are trusted; TCP needs the password.
    run(
      pgBin('initdb'),
      [
        '-D',
        db.dataDir,
        '-U',
        'postgres',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--no-sync',
        '-E',
        'UTF8',
        '--locale=C',
      ],
      'postgresql',
    );
    if (options.tls) {
      // TCP only with TLS: a client that does not encrypt is refused.
      const hba = join(db.dataDir, 'pg_hba.conf');
      writeFileSync(hba, `hostnossl all all 0.0.0.0/0 reject\n${readFileSync(hba, 'utf8')}`);
    }
    await db.start();
    await db.admin(async (client) => {
      await client.query(`CREATE ROLE ${DB_USER} LOGIN PASSWORD '${DB_PASSWORD}'`);
      await client.query(`CREATE DATABASE panel OWNER ${DB_USER}`);
    });
    return db;
  }

  get dataDir(): string {
    return join(this.dir.path, 'data');
  }

  /** The DSN a hoster would put into the environment. */
  get url(): string {
    return `postgresql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${this.port}/panel`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      pgBin('postgres'),
      [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-k',
        this.dir.path,
        '-c',
        'listen_addresses=127.0.0.1',
        ...this.settings,
      ],
      { ...(asRoot && NOBODY), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    await waitUntil(`postgres (log: ${this.log})`, async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited: ${this.log}`);
      try {
        await this.admin(() => Promise.resolve());
        this.child = child;
        return true;
      } catch {
        return false;
      }
    });
  }

  /** Fast shutdown: clients are disconnected, as when a database host goes away. */
  async stop(): Promise<void> {
    await stopChild(this.child, 'SIGINT');
    this.child = undefined;
  }

  /** Runs statements as the superuser over the local socket, in the `panel` database. */
  async admin<T>(work: (client: Client) => Promise<T>, database = 'postgres'): Promise<T> {
    const client = new Client({ host: this.dir.path, port: this.port, user: 'postgres', database });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** Runs SQL in the `panel` database as the owner, the way a control panel writes its tables. */
  sql(text: string, values: unknown[] = []): Promise<unknown> {
    return this.admin(async (client) => {
      await client.query(`SET ROLE ${DB_USER}`);
      return (await client.query(text, values)).rows as unknown;
    }, 'panel');
  }

  async destroy(): Promise<void> {
    await this.stop();
    this.dir.remove();
  }
}
