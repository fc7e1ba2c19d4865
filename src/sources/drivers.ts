import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createPool, type Pool as MysqlPool, type PoolOptions } from 'mysql2/promise';
import pg from 'pg';
import type { SourceInput } from '../config/sources-schema';
import type { FetchedRows } from './resolve-rows';
import { SourceSetupError } from './connection';

/** One SQL database, as the sources need it: run the query, and (PostgreSQL) listen for changes. */
export interface SqlDatabase {
  query(): Promise<FetchedRows>;
  /** Resolves once listening; `onLost` is called once when the listening connection ends. */
  listen?(
    channel: string,
    onNotify: () => void,
    onLost: (error: Error) => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_POOL = 2;

interface TlsSettings {
  readonly rejectUnauthorized: boolean;
  readonly ca?: string;
}

async function tlsSettings(source: SourceInput, baseDir: string): Promise<TlsSettings | false | undefined> {
  if (!source.tls) return undefined;
  if (source.tls.mode === 'disable') return false;
  if (source.tls.mode === 'require') return { rejectUnauthorized: false };
  if (source.tls.ca === undefined) return { rejectUnauthorized: true };
  try {
    return { rejectUnauthorized: true, ca: await readFile(resolve(baseDir, source.tls.ca), 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SourceSetupError(`cannot read tls.ca ${source.tls.ca} (${code})`);
  }
}

/** With `tls:` set, the URL's own TLS parameters would win in the drivers; `tls:` is meant to. */
function withoutTlsParameters(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat'])
      parsed.searchParams.delete(key);
    return parsed.toString();
  } catch {
    return url;
  }
}

export async function openDatabase(source: SourceInput, url: string, baseDir: string): Promise<SqlDatabase> {
  const tls = await tlsSettings(source, baseDir);
  const timeout = source.timeout ?? DEFAULT_TIMEOUT_MS;
  const pool = source.pool ?? DEFAULT_POOL;
  const connectionUrl = tls === undefined ? url : withoutTlsParameters(url);
  return source.type === 'postgresql'
    ? openPostgres(source.query, connectionUrl, tls, timeout, pool)
    : openMysql(source.query, connectionUrl, tls, timeout, pool);
}

function openPostgres(
  query: string,
  url: string,
  tls: TlsSettings | false | undefined,
  timeout: number,
  max: number,
): SqlDatabase {
  const config: pg.ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: timeout,
    application_name: 'mail-autoconf',
    keepAlive: true,
    ...(tls !== undefined && { ssl: tls }),
  };
  const pool = new pg.Pool({
    ...config,
    max,
    idleTimeoutMillis: 30_000,
    query_timeout: timeout,
    statement_timeout: timeout,
  });
  // An idle connection that breaks (the database restarts) is reported here; without a listener
  // it would end the process. The next query opens a new one.
  pool.on('error', () => undefined);
  return {
    async query() {
      const result = await pool.query({ text: query });
      return {
        rows: result.rows as Record<string, unknown>[],
        columns: result.fields.map((field) => field.name),
      };
    },
    async listen(channel, onNotify, onLost) {
      const client = new pg.Client(config);
      let lost = false;
      const lose = (error: Error) => {
        if (lost) return;
        lost = true;
        onLost(error);
      };
      client.on('error', lose);
      client.on('end', () => lose(new Error('the listening connection closed')));
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify();
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      } catch (error) {
        lost = true;
        await client.end().catch(() => undefined);
        throw error;
      }
      return async () => {
        lost = true;
        await client.end().catch(() => undefined);
      };
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}

function openMysql(
  query: string,
  url: string,
  tls: TlsSettings | false | undefined,
  timeout: number,
  max: number,
): SqlDatabase {
  // mysql2 reads mysql:// URLs; MariaDB users write mariadb://.
  const uri = url.replace(/^mariadb:\/\//i, 'mysql://');
  const options: PoolOptions = {
    uri,
    connectionLimit: max,
    maxIdle: max,
    idleTimeout: 30_000,
    connectTimeout: timeout,
    enableKeepAlive: true,
    // Rows are read as data, never as dates or big numbers the driver would interpret.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    ...(tls && { ssl: tls.ca === undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : tls }),
  };
  let pool: MysqlPool;
  try {
    pool = createPool(options);
  } catch (error) {
    throw new SourceSetupError(`invalid connection URL (${(error as Error).name})`);
  }
  pool.on('connection', (connection) => connection.on('error', () => undefined));
  return {
    async query() {
      const [rows, fields] = await pool.query({ sql: query, timeout, rowsAsArray: false });
      if (!Array.isArray(rows)) throw new Error('the query returned no result set (is it a SELECT?)');
      return {
        rows: rows as Record<string, unknown>[],
        columns: (fields ?? []).map((field) => field.name),
      };
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}
