import { Counter, Histogram, Registry } from 'prom-client';
import { statusOfSnapshot } from '../../../src/catalog/config-holder';
import { Snapshot } from '../../../src/catalog/snapshot';
import { DURATION_BUCKETS, ServiceMetrics } from '../../../src/http/metrics';

const snapshot = new Snapshot({ domains: [], service: {} } as unknown as ConstructorParameters<
  typeof Snapshot
>[0]);

function ours(): ServiceMetrics {
  return new ServiceMetrics(() => statusOfSnapshot(snapshot));
}

/** prom-client's own metrics, fed the same observations: what ours must print, byte for byte. */
function reference() {
  const registry = new Registry();
  const requests = new Counter({
    name: 'mail_autoconf_requests_total',
    help: 'Requests answered, by protocol, outcome and HTTP status.',
    labelNames: ['protocol', 'outcome', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'mail_autoconf_request_duration_seconds',
    help: 'Time from the first byte of a request to the last byte of its answer.',
    labelNames: ['protocol'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return { registry, requests, duration };
}

describe('ServiceMetrics request metrics', () => {
  const observations: [string, string, number, number][] = [
    ['autoconfig', 'ok', 200, 0.0001],
    ['autoconfig', 'ok', 200, 0.0005],
    ['autoconfig', 'ok', 200, 0.00051],
    ['autoconfig', 'unknown-domain', 404, 0.003],
    ['autodiscover', 'ok', 200, 2.5],
    ['autodiscover', 'bad-request', 600, 7],
    ['ops', 'ok', 200, 0],
  ];

  it('prints what prom-client prints for the same requests', async () => {
    const metrics = ours();
    const expected = reference();
    for (const [protocol, outcome, status, seconds] of observations) {
      metrics.countRequest(protocol, outcome, status);
      metrics.observeDuration(protocol, seconds);
      expected.requests.inc({ protocol, outcome, status });
      expected.duration.observe({ protocol }, seconds);
    }
    for (const name of ['mail_autoconf_requests_total', 'mail_autoconf_request_duration_seconds'])
      expect(await metrics.registry.getSingleMetricAsString(name)).toBe(
        await expected.registry.getSingleMetricAsString(name),
      );
  });

  it('gives the same totals however often it is read, and keeps counting between reads', async () => {
    const metrics = ours();
    metrics.countRequest('autoconfig', 'ok', 200);
    const first = await metrics.registry.getSingleMetricAsString('mail_autoconf_requests_total');
    expect(await metrics.registry.getSingleMetricAsString('mail_autoconf_requests_total')).toBe(first);
    metrics.countRequest('autoconfig', 'ok', 200);
    expect(await metrics.registry.metrics()).toContain(
      'mail_autoconf_requests_total{protocol="autoconfig",outcome="ok",status="200"} 2',
    );
  });

  it('is part of the JSON export, and reset empties it', async () => {
    const metrics = ours();
    metrics.observeDuration('autoconfig', 0.002);
    const json = await metrics.registry.getMetricsAsJSON();
    const histogram = json.find((metric) => metric.name === 'mail_autoconf_request_duration_seconds');
    expect(histogram?.type).toBe('histogram');
    expect(histogram?.values).toContainEqual({
      labels: { le: 0.0025, protocol: 'autoconfig' },
      value: 1,
      metricName: 'mail_autoconf_request_duration_seconds_bucket',
    });
    metrics.registry.resetMetrics();
    expect(
      await metrics.registry.getSingleMetricAsString('mail_autoconf_request_duration_seconds'),
    ).not.toMatch(/_count/);
  });
});
