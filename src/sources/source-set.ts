import type { Logger } from 'pino';
import { runInSlices } from '../core/steps';
import type { LoadedConfig } from '../config/load';
import type { DomainSettings } from '../core/settings';
import { mergeSourceDomains } from './merge';
import { RowResolver, type FetchedRows, type ResolvedRows } from './resolve-rows';
import { SourceRunner, type SourceStatus } from './runner';
import { configVersion } from './version';

/** The domains to serve: YAML first, then every source's, plus what identifies that whole set. */
export interface ComposedDomains {
  readonly domains: readonly DomainSettings[];
  /** Hash of the resolved config (YAML texts and the rows served): equal on replicas serving the same. */
  readonly version: string;
  /** Rows not served, each named by source and row. */
  readonly problems: readonly string[];
}

/** Row problems written to the log per refresh; /readyz and metrics count them all. */
const LOGGED_PROBLEMS = 20;

/**
 * The running SQL sources of a server: one runner per `sources:` entry, restarted only when its
 * entry changes in a YAML reload. `onChange` is called when rows changed and the served domains
 * should be composed again.
 */
export class SourceSet {
  private runners: { key: string; runner: SourceRunner; resolver: RowResolver }[] = [];
  private lastProblems = new Set<string>();

  constructor(
    private readonly options: {
      logger: Logger;
      env: Readonly<Record<string, string | undefined>>;
      onChange: () => void;
    },
  ) {}

  /** Starts, keeps or stops runners so that they match the `sources:` of `config`. */
  async configure(config: LoadedConfig): Promise<void> {
    const list = config.sources?.list ?? [];
    const next: typeof this.runners = [];
    const old = new Map(this.runners.map((item) => [item.key, item]));
    // The runner an edited entry replaces: the one of the same name, or of the same place if unnamed.
    const replaced = (index: number, name: string | undefined) =>
      this.runners.find((item) =>
        name !== undefined
          ? item.runner.source.name === name
          : item.runner.source.name === undefined && item.runner.label === `sources[${index}]`,
      );
    for (const [index, source] of list.entries()) {
      const key = JSON.stringify([index, source, config.sources?.baseDir]);
      const kept = old.get(key);
      if (kept) {
        old.delete(key);
        next.push(kept);
        continue;
      }
      const runner = new SourceRunner({
        index,
        source,
        baseDir: config.sources?.baseDir ?? '.',
        env: this.options.env,
        logger: this.options.logger,
        onRows: this.options.onChange,
        initialRows: replaced(index, source.name)?.runner.rows(),
      });
      const label = source.name ? `${runner.label} (${source.name})` : runner.label;
      next.push({ key, runner, resolver: new RowResolver(label, source.profile) });
      runner.start();
    }
    this.runners = next;
    await Promise.all([...old.values()].map((item) => item.runner.stop()));
  }

  /** Every source's last good rows, resolved against `config`, merged behind the YAML domains. */
  async compose(config: LoadedConfig): Promise<ComposedDomains> {
    // Without sources the YAML domains are served as they are, at no cost.
    if (this.runners.length === 0)
      return { domains: config.domains, version: configVersion(config), problems: [] };
    const perSource: {
      label: string;
      resolved: ResolvedRows;
      runner: SourceRunner;
      fetched?: FetchedRows;
    }[] = [];
    for (const { runner, resolver } of this.runners) {
      const fetched = runner.rows();
      if (!fetched) {
        perSource.push({
          label: resolver.label,
          resolved: { domains: [], problems: [], digest: '' },
          runner,
        });
        continue;
      }
      const resolved = await runInSlices(resolver.steps(config, fetched));
      perSource.push({ label: resolver.label, resolved, runner, fetched });
    }
    const merged = await mergeSourceDomains(
      config,
      perSource.map(({ label, resolved }) => ({ label, domains: resolved.domains })),
    );
    const problems: string[] = [];
    perSource.forEach(({ resolved, runner, fetched }, index) => {
      const sourceProblems = [...resolved.problems, ...(merged.problems[index] ?? [])];
      runner.noteServed(fetched, merged.accepted[index] ?? 0, sourceProblems.length);
      problems.push(...sourceProblems);
    });
    this.logProblems(problems);
    return {
      domains: merged.domains,
      version: configVersion(
        config,
        perSource.map(({ label, resolved }) => ({ label, digest: resolved.digest })),
      ),
      problems,
    };
  }

  status(): SourceStatus[] {
    return this.runners.map(({ runner }) => runner.status());
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map(({ runner }) => runner.stop()));
    this.runners = [];
  }

  /** New row problems are logged once, not on every refresh that still has them. */
  private logProblems(problems: readonly string[]): void {
    const fresh = problems.filter((problem) => !this.lastProblems.has(problem));
    this.lastProblems = new Set(problems);
    if (fresh.length === 0) return;
    this.options.logger.error(
      {
        rowErrors: problems.length,
        ...(fresh.length > LOGGED_PROBLEMS && { notShown: fresh.length - LOGGED_PROBLEMS }),
        errors: fresh.slice(0, LOGGED_PROBLEMS),
      },
      'source rows not served',
    );
  }
}
