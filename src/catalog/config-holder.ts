import type { LoadedConfig } from '../config/load';
import { locateProblem, type ConfigProblem } from '../config/problems';
import type { DomainSettings } from '../core/settings';
import type { SourceStatus } from '../sources/runner';
import { configVersion } from '../sources/version';
import { loadCatalogDir, type CatalogConfig } from './load';

/** A loaded config as held: the catalog's DNS view and signer when the catalog loader made it. */
type HeldConfig = LoadedConfig & Partial<Pick<CatalogConfig, 'dns' | 'signer'>>;
import { Snapshot } from './snapshot';

/** Adds domains from elsewhere (SQL sources) to each YAML config; see src/sources. */
export interface DomainComposer {
  configure(config: LoadedConfig): Promise<void>;
  compose(
    config: LoadedConfig,
  ): Promise<{ readonly domains: readonly DomainSettings[]; readonly version: string }>;
  status(): readonly SourceStatus[];
}

/**
 * Warnings a reload reports (in its log lines); the config is checked in full all the same. Locating
 * thousands of a hoster's similar warnings would hold a reload up for seconds.
 */
const RELOAD_WARNING_LIMIT = 20;

export interface ReloadOutcome {
  readonly ok: boolean;
  readonly generation: number;
  readonly errors: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
}

/** What readiness and metrics report about the config in force and the last reload attempt. */
export interface ConfigStatus {
  readonly generation: number;
  readonly loadedAt: Date;
  /** Domains configured, and names answered (domains plus aliases). */
  readonly domains: number;
  readonly names: number;
  readonly lastAttempt: { readonly at: Date; readonly ok: boolean };
  /**
   * Where the errors of the last attempt were, when it failed: file (relative to the config
   * directory), line, column and setting, but not the message. Readiness is answered to anyone
   * who reaches the port, and messages quote config values (`expected a number, got "…"`); the
   * full messages are in the log.
   */
  readonly lastErrors: readonly string[];
  /** Hash of the resolved config served (YAML and source rows); absent for a bare snapshot. */
  readonly version?: string;
  /** The SQL sources, when the config has any. */
  readonly sources?: readonly SourceStatus[];
}

/** The status of a snapshot that was never reloaded (apps built without a holder). */
export function statusOfSnapshot(snapshot: Snapshot): ConfigStatus {
  return {
    generation: snapshot.generation,
    loadedAt: snapshot.loadedAt,
    domains: snapshot.domains.length,
    names: snapshot.size,
    lastAttempt: { at: snapshot.loadedAt, ok: true },
    lastErrors: [],
  };
}

/**
 * Holds the snapshot in force. A reload loads and validates the whole directory off to the side
 * and swaps only when everything is valid; on failure the last good snapshot keeps serving and the
 * errors are kept for whoever asks (logs, readiness, metrics).
 */
export class ConfigHolder {
  private current: Snapshot;
  private lastFailure: { at: Date; errors: readonly ConfigProblem[] } | undefined;
  private lastAttempt: { at: Date; ok: boolean };
  /** Reloads run one after another, so a slow load can never overwrite a newer one. */
  private running: Promise<ReloadOutcome> | undefined;
  private pending: Promise<ReloadOutcome> | undefined;
  /** Snapshot swaps (of reloads and of source changes) happen one at a time, in order. */
  private swaps: Promise<unknown> = Promise.resolve();
  /** The YAML config in force, which source rows are composed with. */
  private yaml: HeldConfig;
  private version: string;
  private composer: DomainComposer | undefined;

  private constructor(
    readonly dir: string,
    first: Snapshot,
    config: HeldConfig,
  ) {
    this.current = first;
    this.yaml = config;
    this.version = configVersion(config);
    this.lastAttempt = { at: first.loadedAt, ok: true };
  }

  static fromConfig(dir: string, config: HeldConfig): ConfigHolder {
    return new ConfigHolder(dir, new Snapshot(config, 1), config);
  }

  /** From now on every snapshot holds the composer's domains too; it calls {@link recompose}. */
  async attach(composer: DomainComposer): Promise<void> {
    this.composer = composer;
    await composer.configure(this.yaml);
  }

  /**
   * Builds the snapshot again from the YAML config in force and the composer's current domains,
   * without reading YAML, e.g. because source rows changed. Queued with reloads.
   */
  recompose(): Promise<void> {
    return this.swap(async () => {
      if (!this.composer) return;
      const composed = await this.composer.compose(this.yaml);
      if (composed.version === this.version) return;
      this.current = await Snapshot.build(
        withDomains(this.yaml, composed.domains),
        this.current.generation,
        this.current.loadedAt,
      );
      this.version = composed.version;
    });
  }

  /** Runs `work` after every swap queued before it, so a slow one never overwrites a newer one. */
  private swap<T>(work: () => Promise<T>): Promise<T> {
    const next = this.swaps.then(work);
    this.swaps = next.catch(() => undefined);
    return next;
  }

  snapshot(): Snapshot {
    return this.current;
  }

  status(): ConfigStatus {
    const sources = this.composer?.status();
    return {
      ...statusOfSnapshot(this.current),
      lastAttempt: this.lastAttempt,
      lastErrors: this.lastFailure && !this.lastAttempt.ok ? this.lastFailure.errors.map(locateProblem) : [],
      version: this.version,
      ...(sources !== undefined && sources.length > 0 && { sources }),
    };
  }

  /**
   * Reloads run one at a time, and requests that arrive during one collapse into a single next
   * reload: it starts when the running one ends, so it reads the newest files, and everyone who
   * asked gets its outcome. A burst of signals or file events costs two reloads, not one each.
   */
  reload(): Promise<ReloadOutcome> {
    if (this.pending) return this.pending;
    const running = this.running;
    if (!running) return this.start();
    const settled = () => undefined;
    this.pending = running.then(settled, settled).then(() => {
      this.pending = undefined;
      return this.start();
    });
    return this.pending;
  }

  private start(): Promise<ReloadOutcome> {
    const run = this.reloadNow();
    this.running = run;
    const done = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(done, done);
    return run;
  }

  private async reloadNow(): Promise<ReloadOutcome> {
    const at = new Date();
    let result;
    try {
      // Relative names: these errors are shown on /readyz, which must not reveal server paths.
      result = await loadCatalogDir(this.dir, { displayBase: this.dir, warningLimit: RELOAD_WARNING_LIMIT });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      result = {
        ok: false as const,
        errors: [this.problem(`cannot read the config directory (${code})`)],
        warnings: [],
        warningsNotShown: 0,
      };
    }
    if (!result.ok) {
      const errors = result.errors.map((problem) =>
        problem.file === this.dir ? { ...problem, file: '.' } : problem,
      );
      this.lastFailure = { at, errors };
      this.lastAttempt = { at, ok: false };
      return { ok: false, generation: this.current.generation, errors, warnings: result.warnings };
    }
    const config = result.config;
    await this.swap(() => this.swapIn(config, at));
    this.lastAttempt = { at, ok: true };
    return { ok: true, generation: this.current.generation, errors: [], warnings: config.warnings };
  }

  /** Makes a freshly loaded YAML config the one in force, with the composer's domains. */
  private async swapIn(config: HeldConfig, at: Date): Promise<void> {
    const result = { config };
    this.yaml = result.config;
    if (this.composer) {
      await this.composer.configure(result.config);
      const composed = await this.composer.compose(result.config);
      this.current = await Snapshot.build(
        // Without source domains the loader's own DNS view still fits.
        composed.domains.length === result.config.domains.length
          ? result.config
          : withDomains(result.config, composed.domains),
        this.current.generation + 1,
        at,
      );
      this.version = composed.version;
    } else {
      this.current = await Snapshot.build(result.config, this.current.generation + 1, at);
      this.version = configVersion(result.config);
    }
  }

  private problem(message: string): ConfigProblem {
    return { severity: 'error', file: '.', line: 1, col: 1, path: '', message };
  }
}

/** The YAML config's service settings with another domain list (its DNS view no longer fits). */
function withDomains(config: HeldConfig, domains: readonly DomainSettings[]) {
  return { domains, service: config.service, ...(config.signer && { signer: config.signer }) };
}
