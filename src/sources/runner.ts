import type { Logger } from 'pino';
import type { SourceInput } from '../config/sources-schema';
import { connectionUrl, describeError, type ConnectionUrl } from './connection';
import { openDatabase, type SqlDatabase } from './drivers';
import type { FetchedRows } from './resolve-rows';

export const DEFAULT_REFRESH_MS = 60_000;
/** First retry after a failure; doubled per failure up to the refresh interval. */
const FIRST_RETRY_MS = 500;
/** NOTIFYs arriving together (a panel saving many rows) cause one read. */
const NOTIFY_SETTLE_MS = 100;

export type SourceState = 'starting' | 'ok' | 'failing' | 'stopped';

/** What /readyz and the metrics say about one source. Never holds a credential. */
export interface SourceStatus {
  readonly name: string;
  readonly label: string;
  readonly type: SourceInput['type'];
  /** The connection URL without its password, when it could be read. */
  readonly target: string | undefined;
  readonly state: SourceState;
  /** Rows returned by the last good read, and domains served from them. */
  readonly rows: number;
  readonly domains: number;
  readonly rowErrors: number;
  readonly lastSuccess: Date | undefined;
  readonly lastAttempt: Date | undefined;
  readonly lastError: string | undefined;
  readonly listening: boolean | undefined;
  /** A failing source still counts as ready this long after its last success. */
  readonly maxStaleMs: number;
}

export interface RunnerOptions {
  readonly index: number;
  readonly source: SourceInput;
  readonly baseDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** Called after every good read whose rows differ from the last ones. */
  readonly onRows: () => void;
  /**
   * Rows to serve until the first read: those of the runner this one replaces (its entry was
   * edited in a reload), so its domains do not vanish for the time of a query.
   */
  readonly initialRows?: FetchedRows | undefined;
}

/**
 * Reads one source every `refresh`, and at once on NOTIFY. A failure keeps the last good rows
 * (the server goes on serving them) and retries with a doubling delay; success resets it.
 */
export class SourceRunner {
  readonly label: string;
  readonly name: string;
  private rowsRead: FetchedRows | undefined;
  private connection: ConnectionUrl | undefined;
  /** The last URL read, kept for messages after a failure has dropped the connection. */
  private lastUrl: ConnectionUrl | undefined;
  private database: SqlDatabase | undefined;
  private opening: Promise<SqlDatabase> | undefined;
  private stopListening: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private listenTimer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private failures = 0;
  private listenFailures = 0;
  private stopped = false;
  private state: SourceState = 'starting';
  private lastSuccess: Date | undefined;
  private lastAttempt: Date | undefined;
  private lastError: string | undefined;
  private listening: boolean | undefined;
  private served: { rows: FetchedRows | undefined; domains: number; rowErrors: number } = {
    rows: undefined,
    domains: 0,
    rowErrors: 0,
  };

  constructor(private readonly options: RunnerOptions) {
    this.label = `sources[${options.index}]`;
    this.name = options.source.name ?? this.label;
    this.rowsRead = options.initialRows;
    if (options.source.notify !== undefined) this.listening = false;
  }

  /** The rows of the last good read; undefined until one succeeded. */
  rows(): FetchedRows | undefined {
    return this.rowsRead;
  }

  get source(): SourceInput {
    return this.options.source;
  }

  start(): void {
    void this.readNow();
    if (this.options.source.notify !== undefined) void this.listen();
  }

  /** Reads now, or right after the read in progress. */
  readNow(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    clearTimeout(this.timer);
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.stopped) return;
      if (this.readAgain) {
        this.readAgain = false;
        void this.readNow();
      } else {
        this.schedule();
      }
    });
    return this.reading;
  }

  /** What the last merge served of which read, for the status. */
  noteServed(rows: FetchedRows | undefined, domains: number, rowErrors: number): void {
    this.served = { rows, domains, rowErrors };
  }

  status(): SourceStatus {
    return {
      name: this.name,
      label: this.label,
      type: this.options.source.type,
      target: this.lastUrl?.shown,
      // Read but not yet in the served snapshot: still starting, so /readyz does not say ready
      // before the rows are answered.
      state: this.state === 'ok' && this.served.rows === undefined ? 'starting' : this.state,
      rows: this.rowsRead?.rows.length ?? 0,
      domains: this.served.domains,
      rowErrors: this.served.rowErrors,
      lastSuccess: this.lastSuccess,
      lastAttempt: this.lastAttempt,
      lastError: this.lastError,
      listening: this.listening,
      maxStaleMs: this.options.source.maxStale ?? 0,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    clearTimeout(this.timer);
    clearTimeout(this.listenTimer);
    await this.reading?.catch(() => undefined);
    await this.stopListening?.();
    // A pool still being opened is closed once it exists.
    const database = (await this.opening?.catch(() => undefined)) ?? this.database;
    await database?.close();
  }

  private schedule(): void {
    const refresh = this.options.source.refresh ?? DEFAULT_REFRESH_MS;
    const delay =
      this.failures === 0 ? refresh : Math.min(refresh, FIRST_RETRY_MS * 2 ** (this.failures - 1));
    // A little jitter, so replicas restarted together do not query in lockstep.
    this.timer = setTimeout(() => void this.readNow(), delay * (0.9 + Math.random() * 0.2));
    this.timer.unref();
  }

  /** The pool, opened once even when the first read and the listener ask for it together. */
  private open(): Promise<SqlDatabase> {
    this.opening ??= (async () => {
      this.connection = await connectionUrl(this.options.source, this.options.env, this.options.baseDir);
      this.lastUrl = this.connection;
      this.database = await openDatabase(this.options.source, this.connection.url, this.options.baseDir);
      return this.database;
    })();
    const opening = this.opening;
    opening.catch(() => {
      if (this.opening === opening) this.opening = undefined;
    });
    return opening;
  }

  private async read(): Promise<void> {
    this.lastAttempt = new Date();
    try {
      const database = await this.open();
      const fetched = await database.query();
      if (this.stopped) return;
      const changed = !sameRows(this.rowsRead, fetched);
      this.rowsRead = fetched;
      if (this.state !== 'ok' || this.failures > 0) {
        this.options.logger.info(
          { source: this.name, rows: fetched.rows.length, target: this.lastUrl?.shown },
          this.state === 'starting' ? 'source loaded' : 'source recovered',
        );
      }
      this.failures = 0;
      this.state = 'ok';
      this.lastSuccess = new Date();
      this.lastError = undefined;
      if (changed) this.options.onRows();
    } catch (error) {
      if (this.stopped) return;
      this.failures++;
      const message = describeError(error, this.lastUrl?.secrets ?? []);
      // The next attempt reads the URL again and opens new connections: a rotated password (a
      // Secret file updated in place) takes effect without a restart.
      const database = this.database;
      this.database = undefined;
      this.connection = undefined;
      this.opening = undefined;
      void database?.close();
      this.lastError = message;
      this.state = this.rowsRead ? 'failing' : 'starting';
      // Logged on the first failure and then at growing intervals, not on every retry.
      if ((this.failures & (this.failures - 1)) === 0) {
        this.options.logger.error(
          {
            source: this.name,
            target: this.lastUrl?.shown,
            failures: this.failures,
            servingRows: this.rowsRead?.rows.length ?? 0,
          },
          `source read failed: ${message}`,
        );
      }
    }
  }

  private async listen(): Promise<void> {
    const channel = this.options.source.notify;
    if (channel === undefined || this.stopped) return;
    try {
      const database = await this.open();
      if (!database.listen) return;
      let settle: NodeJS.Timeout | undefined;
      this.stopListening = await database.listen(
        channel,
        () => {
          clearTimeout(settle);
          settle = setTimeout(() => void this.readNow(), NOTIFY_SETTLE_MS);
        },
        (error) => {
          this.listening = false;
          if (this.stopped) return;
          this.options.logger.warn(
            { source: this.name, channel },
            `source stopped listening: ${describeError(error, this.lastUrl?.secrets ?? [])}`,
          );
          this.retryListen();
        },
      );
      if (this.stopped) {
        await this.stopListening();
        return;
      }
      this.listening = true;
      if (this.listenFailures > 0) {
        // Changes made while nobody listened would otherwise wait for the next refresh.
        void this.readNow();
        this.options.logger.info({ source: this.name, channel }, 'source listening again');
      }
      this.listenFailures = 0;
    } catch {
      // The read loop reports why the database cannot be reached; listening just tries again.
      this.retryListen();
    }
  }

  private retryListen(): void {
    if (this.stopped) return;
    this.listenFailures++;
    const refresh = this.options.source.refresh ?? DEFAULT_REFRESH_MS;
    const delay = Math.min(refresh, FIRST_RETRY_MS * 2 ** Math.min(this.listenFailures - 1, 20));
    this.listenTimer = setTimeout(() => void this.listen(), delay);
    this.listenTimer.unref();
  }
}

/** Whether two reads returned the same rows in the same order (most refreshes change nothing). */
function sameRows(a: FetchedRows | undefined, b: FetchedRows): boolean {
  if (!a || a.rows.length !== b.rows.length || a.columns.join('\n') !== b.columns.join('\n')) return false;
  const columns = b.columns;
  for (let i = 0; i < b.rows.length; i++) {
    const x = a.rows[i]!;
    const y = b.rows[i]!;
    for (const column of columns) {
      const u = x[column];
      const v = y[column];
      if (u === v) continue;
      if (typeof u !== 'object' || typeof v !== 'object' || JSON.stringify(u) !== JSON.stringify(v))
        return false;
    }
  }
  return true;
}
