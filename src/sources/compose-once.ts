import { runToEnd } from '../core/steps';
import type { LoadedConfig } from '../config/load';
import type { DomainSettings } from '../core/settings';
import { connectionUrl, describeError, type ConnectionUrl } from './connection';
import { openDatabase } from './drivers';
import { mergeSourceDomains } from './merge';
import { RowResolver } from './resolve-rows';

export interface ComposedOnce {
  /** YAML domains, then the domains of every source that could be read. */
  readonly domains: readonly DomainSettings[];
  /** Rows not served, each named by source and row. */
  readonly problems: readonly string[];
  /** Sources that could not be read at all, with the reason (no credentials). */
  readonly failures: readonly string[];
  /** Per source: label, rows read, domains served. */
  readonly counts: readonly { label: string; rows: number; domains: number }[];
}

/**
 * Reads every source once, for the commands (`validate --sources`, `dns`, `render`, `export`):
 * the same checks and resolution as the server, with one connection per source, closed at once.
 */
export async function composeOnce(
  config: LoadedConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ComposedOnce> {
  const failures: string[] = [];
  const problems: string[] = [];
  const perSource: { label: string; domains: readonly DomainSettings[]; rows: number }[] = [];
  for (const [index, source] of (config.sources?.list ?? []).entries()) {
    const label = source.name ? `sources[${index}] (${source.name})` : `sources[${index}]`;
    let connection: ConnectionUrl | undefined;
    try {
      connection = await connectionUrl(source, env, config.sources?.baseDir ?? '.');
      const database = await openDatabase(
        { ...source, pool: 1 },
        connection.url,
        config.sources?.baseDir ?? '.',
      );
      let fetched;
      try {
        fetched = await database.query();
      } finally {
        await database.close();
      }
      const resolved = runToEnd(new RowResolver(label, source.profile).steps(config, fetched));
      problems.push(...resolved.problems);
      perSource.push({ label, domains: resolved.domains, rows: fetched.rows.length });
    } catch (error) {
      const target = connection ? ` (${connection.shown})` : '';
      failures.push(
        `${label}${target}: cannot read the rows: ${describeError(error, connection?.secrets ?? [])}`,
      );
      perSource.push({ label, domains: [], rows: 0 });
    }
  }
  const merged = await mergeSourceDomains(config, perSource);
  merged.problems.forEach((list) => problems.push(...list));
  return {
    domains: merged.domains,
    problems,
    failures,
    counts: perSource.map((source, index) => ({
      label: source.label,
      rows: source.rows,
      domains: merged.accepted[index] ?? 0,
    })),
  };
}
