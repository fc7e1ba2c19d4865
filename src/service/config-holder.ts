import { loadConfigDir, type LoadedConfig } from '../config/load';
import { formatProblem, type ConfigProblem } from '../config/problems';
import { Snapshot } from './snapshot';

export interface ReloadOutcome {
  readonly ok: boolean;
  readonly generation: number;
  readonly errors: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
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

  private constructor(
    readonly dir: string,
    first: Snapshot,
  ) {
    this.current = first;
    this.lastAttempt = { at: first.loadedAt, ok: true };
  }

  static fromConfig(dir: string, config: LoadedConfig): ConfigHolder {
    return new ConfigHolder(dir, new Snapshot(config, 1));
  }

  snapshot(): Snapshot {
    return this.current;
  }

  status(): {
    generation: number;
    loadedAt: Date;
    lastAttempt: { at: Date; ok: boolean };
    lastErrors: string[];
  } {
    return {
      generation: this.current.generation,
      loadedAt: this.current.loadedAt,
      lastAttempt: this.lastAttempt,
      lastErrors: this.lastFailure && !this.lastAttempt.ok ? this.lastFailure.errors.map(formatProblem) : [],
    };
  }

  async reload(): Promise<ReloadOutcome> {
    const at = new Date();
    let result;
    try {
      result = await loadConfigDir(this.dir);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = {
        ok: false as const,
        errors: [
          {
            severity: 'error' as const,
            file: this.dir,
            line: 1,
            col: 1,
            path: '',
            message: `cannot read: ${message}`,
          },
        ],
        warnings: [],
      };
    }
    if (!result.ok) {
      this.lastFailure = { at, errors: result.errors };
      this.lastAttempt = { at, ok: false };
      return {
        ok: false,
        generation: this.current.generation,
        errors: result.errors,
        warnings: result.warnings,
      };
    }
    this.current = await Snapshot.build(result.config, this.current.generation + 1, at);
    this.lastAttempt = { at, ok: true };
    return { ok: true, generation: this.current.generation, errors: [], warnings: result.config.warnings };
  }
}
