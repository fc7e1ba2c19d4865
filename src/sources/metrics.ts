import { Gauge, type Registry } from 'prom-client';
import type { SourceStatus } from './runner';

const STATES = ['starting', 'ok', 'failing', 'stopped'] as const;

/**
 * Per-source gauges and the config version, read at scrape time. The `source` label is the
 * source's name from the config (bounded by the config, never by data); no URL is ever a label.
 */
export function registerSourceMetrics(
  registry: Registry,
  read: () => { version?: string; sources?: readonly SourceStatus[] },
): void {
  const registers = [registry];
  const perSource = (name: string, help: string, value: (s: SourceStatus) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['source'],
      registers,
      collect() {
        this.reset();
        for (const source of read().sources ?? []) {
          const v = value(source);
          if (v !== undefined) this.set({ source: source.name }, v);
        }
      },
    });
  new Gauge({
    name: 'mail_autoconf_source_state',
    help: 'State of each SQL source: 1 for its current state (starting, ok, failing), 0 for the others.',
    labelNames: ['source', 'state'],
    registers,
    collect() {
      this.reset();
      for (const source of read().sources ?? [])
        for (const state of STATES) this.set({ source: source.name, state }, source.state === state ? 1 : 0);
    },
  });
  perSource(
    'mail_autoconf_source_rows',
    'Rows returned by the last good read of each source.',
    (s) => s.rows,
  );
  perSource('mail_autoconf_source_domains', 'Domains served from each source.', (s) => s.domains);
  perSource(
    'mail_autoconf_source_row_errors',
    'Rows of each source not served because of an error (see the log or validate --sources).',
    (s) => s.rowErrors,
  );
  perSource(
    'mail_autoconf_source_last_success_timestamp_seconds',
    'When each source was last read successfully (absent before the first success).',
    (s) => (s.lastSuccess ? s.lastSuccess.getTime() / 1000 : undefined),
  );
  new Gauge({
    name: 'mail_autoconf_config_version_info',
    help: 'Always 1; the version label is a hash of the resolved config served (YAML and source rows).',
    labelNames: ['version'],
    registers,
    collect() {
      this.reset();
      const version = read().version;
      if (version !== undefined) this.set({ version }, 1);
    },
  });
}
