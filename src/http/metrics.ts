import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConfigStatus } from '../catalog/config-holder';
import { registerSourceMetrics } from '../sources/metrics';

/** Labels stay low-cardinality: protocol and outcome come from fixed sets, never from requests. */
type RequestLabels = 'protocol' | 'outcome' | 'status';

/**
 * The Prometheus registry of one server. Config gauges are read from the status at scrape time,
 * so a reload shows up without anyone pushing numbers.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<RequestLabels>;
  readonly duration: Histogram<'protocol'>;
  // Children per label set: looking labels up by object on every request costs more than the count.
  private readonly requestChildren = new Map<string, { inc(): void }>();
  private readonly durationChildren = new Map<string, { observe(value: number): void }>();

  constructor(status: () => ConfigStatus, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'mail_autoconf_requests_total',
      help: 'Requests answered, by protocol, outcome and HTTP status.',
      labelNames: ['protocol', 'outcome', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'mail_autoconf_request_duration_seconds',
      help: 'Time from the first byte of a request to the last byte of its answer.',
      labelNames: ['protocol'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const gauge = (name: string, help: string, read: (s: ConfigStatus) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(status()));
        },
      });
    gauge('mail_autoconf_domains_loaded', 'Domains in the config in force.', (s) => s.domains);
    gauge('mail_autoconf_names_loaded', 'Names answered (domains and aliases).', (s) => s.names);
    gauge(
      'mail_autoconf_config_generation',
      'Generation of the config in force; 1 at start.',
      (s) => s.generation,
    );
    gauge(
      'mail_autoconf_config_loaded_timestamp_seconds',
      'When the config in force was loaded.',
      (s) => s.loadedAt.getTime() / 1000,
    );
    gauge(
      'mail_autoconf_config_last_reload_success',
      '1 if the last load or reload attempt succeeded, 0 if it failed and the previous config is still served.',
      (s) => (s.lastAttempt.ok ? 1 : 0),
    );
    gauge(
      'mail_autoconf_config_last_reload_timestamp_seconds',
      'When the last load or reload was attempted.',
      (s) => s.lastAttempt.at.getTime() / 1000,
    );
    gauge(
      'mail_autoconf_config_last_reload_errors',
      'Errors found by the last reload attempt (0 when it succeeded).',
      (s) => s.lastErrors.length,
    );
    registerSourceMetrics(this.registry, status);
  }

  /** Counts one answered request. The label values come from fixed sets, never from requests. */
  countRequest(protocol: string, outcome: string, status: number): void {
    const key = `${protocol}\n${outcome}\n${status}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      child = this.requests.labels(protocol, outcome, String(status));
      this.requestChildren.set(key, child);
    }
    child.inc();
  }

  observeDuration(protocol: string, seconds: number): void {
    let child = this.durationChildren.get(protocol);
    if (!child) {
      child = this.duration.labels(protocol);
      this.durationChildren.set(protocol, child);
    }
    child.observe(seconds);
  }
}
