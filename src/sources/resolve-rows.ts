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
  readonly hash: number;
}

/** Rows checked between two turns of the event loop. */
const ROWS_PER_STEP = 1000;
/** Rows given to the resolver at once. */
const RESOLVE_BATCH = 2000;

/** The row's columns as one text, cheap for the usual plain-text columns. */
function fingerprintOf(row: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const column of ROW_COLUMNS) {
    const value = row[column];
    out +=
      typeof value === 'string'
        ? `\u0001${value}`
        : value === null || value === undefined
          ? '\u0002'
          : `\u0003${JSON.stringify(Buffer.isBuffer(value) ? value.toString('utf8') : value)}`;
  }
  return out;
}

/**
 * Two independent 32-bit FNV-1a hashes of a row's text, as one number below 2^53. Summed over the
 * rows they give an order-independent digest without keeping a buffer per row.
 */
function rowHash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

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
    const kept: Resolved[] = [];
    const fresh: { entry: DomainEntrySource; fingerprint: string }[] = [];
    for (const [index, row] of fetched.rows.entries()) {
      if (index % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
      const fingerprint = fingerprintOf(row);
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
    // In batches: besides resolving, the resolver derives a DNS view of everything it resolved
    // in one go, which for 100,000 rows would hold the event loop for a second. Names shared
    // between batches are caught by the merge, as between sources.
    for (let from = 0; from < fresh.length; from += RESOLVE_BATCH) {
      const batch = fresh.slice(from, from + RESOLVE_BATCH);
      const byLabel = new Map(
        batch.map((item) => [(item.entry.source as RowSource).label, item.fingerprint]),
      );
      const resolved = yield* resolveSteps({
        profiles: config.profiles ?? [],
        entries: batch.map((item) => item.entry),
        service: {},
        warningLimit,
      });
      problems.push(...resolved.errors.map(formatProblem));
      for (const settings of resolved.domains) {
        const fingerprint = byLabel.get(settings.source.file);
        if (fingerprint === undefined) continue;
        const item = { settings, hash: rowHash(fingerprint) };
        next.set(fingerprint, item);
        kept.push(item);
      }
      yield;
    }
    this.cache = next;
    // Sums in two halves, each exact in a double, so the digest does not depend on row order.
    let high = 0;
    let low = 0;
    for (const item of kept) {
      high = (high + Math.floor(item.hash / 0x200000)) % 0x100000000;
      low = (low + (item.hash % 0x200000)) % 0x200000;
    }
    return {
      domains: kept.map((item) => item.settings),
      problems,
      digest: `${kept.length}-${high.toString(16)}-${low.toString(16)}`,
    };
  }
}
