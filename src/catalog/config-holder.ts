import { locateProblem, type ConfigProblem } from '../config/problems';
import { loadCatalogDir } from './load';
import { Snapshot, type SnapshotConfig } from './snapshot';

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

  private constructor(
    readonly dir: string,
    first: Snapshot,
  ) {
    this.current = first;
    this.lastAttempt = { at: first.loadedAt, ok: true };
  }

  static fromConfig(dir: string, config: SnapshotConfig): ConfigHolder {
    return new ConfigHolder(dir, new Snapshot(config, 1));
  }

  snapshot(): Snapshot {
    return this.current;
  }

  status(): ConfigStatus {
    return {
      ...statusOfSnapshot(this.current),
      lastAttempt: this.lastAttempt,
      lastErrors: this.lastFailure && !this.lastAttempt.ok ? this.lastFailure.errors.map(locateProblem) : [],
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
    this.current = await Snapshot.build(result.config, this.current.generation + 1, at);
    this.lastAttempt = { at, ok: true };
    return { ok: true, generation: this.current.generation, errors: [], warnings: result.config.warnings };
  }

  private problem(message: string): ConfigProblem {
    return { severity: 'error', file: '.', line: 1, col: 1, path: '', message };
  }
}
