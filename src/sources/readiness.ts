import type { SourceStatus } from './runner';

export interface SourcesReadiness {
  readonly ready: boolean;
  /** Why not, one line per source, without credentials. */
  readonly reasons: readonly string[];
  /** What /readyz shows about each source. */
  readonly sources: readonly Record<string, unknown>[];
}

/**
 * A source that never loaded makes the server not ready (it would answer "unknown domain" for
 * every customer of that source), and so does one that fails longer than its `maxStale` (default
 * at once). Its last good rows are served all the same, to whoever still sends requests.
 */
export function sourcesReadiness(sources: readonly SourceStatus[], now = Date.now()): SourcesReadiness {
  const reasons: string[] = [];
  for (const source of sources) {
    const who = `source ${source.name} (${source.type}${source.target ? ` ${source.target}` : ''})`;
    if (source.state === 'starting') {
      reasons.push(`${who}: not loaded yet${source.lastError ? `: ${source.lastError}` : ''}`);
    } else if (source.state === 'failing') {
      const since = source.lastSuccess?.getTime() ?? 0;
      if (now - since > source.maxStaleMs) {
        reasons.push(
          `${who}: failing${source.lastError ? `: ${source.lastError}` : ''}; serving the ${source.rows} rows of ${source.lastSuccess?.toISOString() ?? 'never'}`,
        );
      }
    }
  }
  return {
    ready: reasons.length === 0,
    reasons,
    sources: sources.map((source) => ({
      name: source.name,
      type: source.type,
      ...(source.target !== undefined && { target: source.target }),
      state: source.state,
      rows: source.rows,
      domains: source.domains,
      rowErrors: source.rowErrors,
      lastSuccess: source.lastSuccess?.toISOString() ?? null,
      lastAttempt: source.lastAttempt?.toISOString() ?? null,
      ...(source.lastError !== undefined && { lastError: source.lastError }),
      ...(source.listening !== undefined && { listening: source.listening }),
    })),
  };
}
