import { createHash } from 'node:crypto';
import type { LoadedConfig } from '../config/load';
import { formatProblem } from '../config/problems';
import { resolveSteps, type DomainEntrySource } from '../config/resolve';
import type { DomainSettings } from '../core/settings';
import { ROW_COLUMNS, rowToEntry, unknownColumns } from './rows';
import { RowSource, rowLabel } from './row-source';

/** The rows of one query, as the driver returned them. */
export interface FetchedRows {
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly columns: readonly string[];
}

export interface ResolvedRows {
  readonly domains: readonly DomainSettings[];
  /** Every row that could not be served, named "sources[0] row 12 domain=x: reason". */
  readonly problems: readonly string[];
  /** Order-independent digest of the rows served: the same rows give the same digest. */
  readonly digest: string;
}

interface Resolved {
  readonly settings: DomainSettings;
  readonly hash: Buffer;
}

/** Rows checked and resolved between two turns of the event loop. */
const ROWS_PER_STEP = 1000;

/**
 * Turns the rows of one source into domain settings, resolved against the YAML profiles exactly
 * like YAML domains. A row that did not change since the last refresh keeps its resolved settings,
 * so a refresh of 100,000 rows where a few changed validates and resolves only those few.
 */
export class RowResolver {
  private cache = new Map<string, Resolved>();
  private cacheFor: LoadedConfig | undefined;

  constructor(
    /** `sources[0]`, or `sources[0] (name)`: how messages name the source. */
    readonly label: string,
    private readonly defaultProfile: string | undefined,
  ) {}

  /** {@link resolve} as a generator that pauses every {@link ROWS_PER_STEP} rows. */
  *steps(config: LoadedConfig, fetched: FetchedRows, warningLimit = 0): Generator<void, ResolvedRows> {
    const problems: string[] = [];
    const extra = unknownColumns(fetched.columns);
    if (!fetched.columns.includes('domain')) {
      return {
        domains: [],
        problems: [
          `${this.label}: the query returns no "domain" column (columns: ${fetched.columns.join(', ')})`,
        ],
        digest: '',
      };
    }
    if (extra.length > 0) {
      // Most likely a misspelt column; serving the rows without it would silently drop settings.
      return {
        domains: [],
        problems: [
          `${this.label}: the query returns unknown column${extra.length > 1 ? 's' : ''} ${extra.join(', ')} ` +
            `(expected ${ROW_COLUMNS.join(', ')})`,
        ],
        digest: '',
      };
    }
    // Profiles changed with a YAML reload: every row is resolved again.
    if (this.cacheFor !== config) {
      this.cache = new Map();
      this.cacheFor = config;
    }
    const previous = this.cache;
    const next = new Map<string, Resolved>();
    const kept: { settings: DomainSettings; hash: Buffer }[] = [];
    const fresh: { entry: DomainEntrySource; fingerprint: string }[] = [];
    for (const [index, row] of fetched.rows.entries()) {
      if (index % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
      const fingerprint = JSON.stringify(ROW_COLUMNS.map((column) => row[column] ?? null));
      const cached = previous.get(fingerprint);
      if (cached && !next.has(fingerprint)) {
        next.set(fingerprint, cached);
        kept.push(cached);
        continue;
      }
      const label = rowLabel(this.label, index + 1, row.domain);
      const checked = rowToEntry(row, this.defaultProfile);
      if (!checked.ok) {
        problems.push(`${label}: ${checked.message}`);
        continue;
      }
      fresh.push({ entry: { entry: checked.entry, source: new RowSource(label), path: [] }, fingerprint });
    }
    const byLabel = new Map(fresh.map((item) => [(item.entry.source as RowSource).label, item.fingerprint]));
    const resolved = yield* resolveSteps({
      profiles: config.profiles ?? [],
      entries: fresh.map((item) => item.entry),
      service: {},
      warningLimit,
    });
    problems.push(...resolved.errors.map(formatProblem));
    for (const settings of resolved.domains) {
      const fingerprint = byLabel.get(settings.source?.file ?? '');
      if (fingerprint === undefined) continue;
      const item = { settings, hash: createHash('sha256').update(fingerprint).digest() };
      next.set(fingerprint, item);
      kept.push(item);
    }
    this.cache = next;
    const digest = Buffer.alloc(32);
    for (const [index, item] of kept.entries()) {
      if (index % (ROWS_PER_STEP * 10) === 0) yield;
      for (let i = 0; i < 32; i++) digest[i]! ^= item.hash[i]!;
    }
    return { domains: kept.map((item) => item.settings), problems, digest: digest.toString('hex') };
  }
}
