import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { ConfigStatus } from '../catalog/config-holder';
import { registerSourceMetrics } from '../sources/metrics';

/** Labels stay low-cardinality: protocol and outcome come from fixed sets, never from requests. */
type RequestLabels = 'protocol' | 'outcome' | 'status';

/**
 * The Prometheus registry of one server. Config gauges are read from the status at scrape time,
 * so a reload shows up without anyone pushing numbers.
 */
/** Upper bounds of the request duration histogram, in seconds. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const DURATION_NAME = 'mail_autoconf_request_duration_seconds';

interface DurationCells {
  /** Per bucket, not cumulative; the last cell counts what is above every bound. */
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * The request duration histogram, counted here and handed to prom-client's registry as the
 * values of a histogram (`get()`, as prom-client's own metrics give them). prom-client's
 * Histogram hashes the label object on every observation; with a request per observation that
 * was a third of a microsecond, and prom-client's Counter as much again (bench-request-parts).
 * Here an observation is a map lookup by a value from a fixed set and an array increment.
 */
class DurationHistogram {
  readonly name = DURATION_NAME;
  readonly help = 'Time from the first byte of a request to the last byte of its answer.';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private cells = new Map<string, DurationCells>();

  observe(protocol: string, seconds: number): void {
    let cells = this.cells.get(protocol);
    if (!cells) {
      cells = { buckets: new Float64Array(DURATION_BUCKETS.length + 1), sum: 0, count: 0 };
      this.cells.set(protocol, cells);
    }
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[bucket] as number)) bucket++;
    (cells.buckets[bucket] as number)++;
    cells.sum += seconds;
    cells.count++;
  }

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: { labels: Record<string, string | number>; value: number; metricName: string }[];
  }> {
    const values = [];
    for (const [protocol, cells] of this.cells) {
      let cumulative = 0;
      for (let i = 0; i <= DURATION_BUCKETS.length; i++) {
        cumulative += cells.buckets[i] as number;
        values.push({
          labels: { le: i < DURATION_BUCKETS.length ? (DURATION_BUCKETS[i] as number) : '+Inf', protocol },
          value: cumulative,
          metricName: `${DURATION_NAME}_bucket`,
        });
      }
      values.push({ labels: { protocol }, value: cells.sum, metricName: `${DURATION_NAME}_sum` });
      values.push({ labels: { protocol }, value: cells.count, metricName: `${DURATION_NAME}_count` });
    }
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, aggregator, values });
  }

  reset(): void {
    this.cells = new Map();
  }
}

/**
 * The Prometheus registry of one server. Config gauges are read from the status at scrape time,
 * so a reload shows up without anyone pushing numbers.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<RequestLabels>;
  // protocol → outcome → status → count: values from fixed sets, so no key is built per request.
  private readonly requestCounts = new Map<string, Map<string, Map<number, number>>>();
  private readonly duration = new DurationHistogram();

  constructor(status: () => ConfigStatus, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    const counts = this.requestCounts;
    this.requests = new Counter({
      name: 'mail_autoconf_requests_total',
      help: 'Requests answered, by protocol, outcome and HTTP status.',
      labelNames: ['protocol', 'outcome', 'status'],
      registers,
      // Counted in plain maps per request; prom-client is given the totals when it is read.
      collect() {
        this.reset();
        for (const [protocol, outcomes] of counts)
          for (const [outcome, statuses] of outcomes)
            for (const [status, count] of statuses) this.inc({ protocol, outcome, status }, count);
      },
    });
    // A histogram in prom-client's shape without its class (see DurationHistogram).
    this.registry.registerMetric(this.duration as unknown as Metric);
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
    let outcomes = this.requestCounts.get(protocol);
    if (!outcomes) this.requestCounts.set(protocol, (outcomes = new Map<string, Map<number, number>>()));
    let statuses = outcomes.get(outcome);
    if (!statuses) outcomes.set(outcome, (statuses = new Map<number, number>()));
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }

  observeDuration(protocol: string, seconds: number): void {
    this.duration.observe(protocol, seconds);
  }
}
