import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import {
  asRoot,
  DB_PASSWORD,
  DB_USER,
  freePort,
  NOBODY,
  ownedTempDir,
  run,
  stopChild,
  waitUntil,
} from '../../scripts/throwaway-postgres';

/**
 * Throwaway database servers for the SQL source tests: PostgreSQL (shared with the benchmark, in
 * scripts/throwaway-postgres.ts) and MariaDB, each in a temp directory on a free loopback port.
 * MariaDB wants a user to switch to, so as root it runs as `nobody` in a directory that user owns.
 */
export { DB_PASSWORD, DB_USER, ThrowawayPostgres } from '../../scripts/throwaway-postgres';

/** A MariaDB server of its own: mariadb-install-db, then `mariadbd` as a child process. */
export class TestMariaDb {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly dir: { path: string; remove: () => void },
    readonly port: number,
  ) {}

  static async create(): Promise<TestMariaDb> {
    const dir = ownedTempDir('mariadb');
    const db = new TestMariaDb(dir, await freePort());
    mkdirSync(db.dataDir);
    if (asRoot) chownSync(db.dataDir, NOBODY.uid, NOBODY.gid);
    // root@localhost without a password, reachable only through the socket in the temp dir; the
    // account the tests give the server has a real password and grants checked as usual.
    writeFileSync(join(dir.path, 'my.cnf'), '[mysqld]\n');
    run(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${db.dataDir}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        ...(asRoot ? ['--user=nobody'] : []),
      ],
      'mariadb-server',
    );
    await db.start();
    await db.sql(`CREATE DATABASE panel`);
    await db.sql(`CREATE USER '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}'`);
    await db.sql(`GRANT SELECT ON panel.* TO '${DB_USER}'@'127.0.0.1'`);
    return db;
  }

  get dataDir(): string {
    return join(this.dir.path, 'data');
  }

  get socket(): string {
    return join(this.dir.path, 'mysqld.sock');
  }

  get url(): string {
    return `mysql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${this.port}/panel`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults',
        `--datadir=${this.dataDir}`,
        `--socket=${this.socket}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--pid-file=${join(this.dir.path, 'mariadbd.pid')}`,
        '--skip-name-resolve',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=16M',
        ...(asRoot ? ['--user=nobody'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    await waitUntil('mariadbd', async () => {
      if (child.exitCode !== null) throw new Error(`mariadbd exited: ${this.log}`);
      try {
        await this.sql('SELECT 1');
        this.child = child;
        return true;
      } catch {
        return false;
      }
    });
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 'SIGTERM');
    this.child = undefined;
  }

  /** Runs SQL as root over the socket. */
  async sql(text: string, values: unknown[] = [], database?: string): Promise<unknown> {
    const connection = await createConnection({
      socketPath: this.socket,
      user: 'root',
      ...(database !== undefined && { database }),
    });
    try {
      const [rows] = await connection.query(text, values);
      return rows;
    } finally {
      await connection.end();
    }
  }

  async destroy(): Promise<void> {
    await this.stop();
    this.dir.remove();
  }
}
