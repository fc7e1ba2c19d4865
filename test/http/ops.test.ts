import pino from 'pino';
import request from 'supertest';
import { loadCatalogDir } from '../../src/catalog/load';
import { createApp } from '../../src/http/app';
import { ServiceMetrics } from '../../src/http/metrics';
import { reloadAndReport } from '../../src/server/reload';
import { ConfigHolder } from '../../src/catalog/config-holder';
import { Snapshot } from '../../src/catalog/snapshot';
import { LogCapture, TempConfigDir } from '../helpers/config-dir';
import { poxBody } from '../helpers/example';

let config: TempConfigDir;
let holder: ConfigHolder;
let app: ReturnType<typeof createApp>;
let metrics: ServiceMetrics;

beforeEach(async () => {
  config = new TempConfigDir();
  const loaded = await loadCatalogDir(config.dir);
  if (!loaded.ok) throw new Error('example config does not load');
  holder = ConfigHolder.fromConfig(config.dir, loaded.config);
  const status = () => holder.status();
  metrics = new ServiceMetrics(status);
  app = createApp({ snapshot: () => holder.snapshot(), status, metrics, logger: pino({ level: 'silent' }) });
});

afterEach(() => config.remove());

async function metricValue(name: string): Promise<number> {
  const text = await metrics.registry.getSingleMetricAsString(name);
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('/healthz and /readyz', () => {
  it('/healthz says the process is alive', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'alive' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('/readyz reports the config in force', async () => {
    const res = await request(app).get('/readyz').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      status: 'ready',
      generation: 1,
      domains: 2,
      names: 3,
      lastReload: { ok: true, errors: [] },
    });
  });

  it('a failed reload keeps serving and is reported by /readyz and metrics; a fix brings the new config', async () => {
    config.breakIt();
    const failed = await holder.reload();
    expect(failed.ok).toBe(false);

    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body).toMatchObject({ status: 'ready', generation: 1, lastReload: { ok: false } });
    expect((ready.body as { lastReload: { errors: string[] } }).lastReload.errors).toEqual([
      expect.stringMatching(
        /^domains\/broken\.yaml:2:\d+ incoming\[0\]\.port \(the server log has the details\)$/,
      ),
    ]);
    // Locations are relative to the config directory: no server path leaves the process.
    expect(JSON.stringify(ready.body)).not.toContain(config.dir);
    expect(await metricValue('mail_autoconf_config_last_reload_success')).toBe(0);
    expect(await metricValue('mail_autoconf_config_last_reload_errors')).toBe(1);
    expect(await metricValue('mail_autoconf_config_generation')).toBe(1);

    const still = await request(app)
      .get('/mail/config-v1.1.xml?emailaddress=alice%40example.com')
      .expect(200);
    expect(still.text).toContain('imap.example.com');

    config.fixWithNewDomain();
    expect((await holder.reload()).ok).toBe(true);
    const after = await request(app).get('/readyz').expect(200);
    expect(after.body).toMatchObject({ generation: 2, domains: 3, lastReload: { ok: true, errors: [] } });
    await request(app).get('/mail/config-v1.1.xml?emailaddress=a%40fresh.example').expect(200);
    expect(await metricValue('mail_autoconf_config_last_reload_success')).toBe(1);
    expect(await metricValue('mail_autoconf_domains_loaded')).toBe(3);
    expect(await metricValue('mail_autoconf_config_generation')).toBe(2);
    expect(await metricValue('mail_autoconf_config_last_reload_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
  });

  it('/readyz fails with 503 while draining', async () => {
    let draining = false;
    const drainingApp = createApp({ snapshot: () => holder.snapshot(), draining: () => draining });
    await request(drainingApp).get('/readyz').expect(200);
    draining = true;
    const res = await request(drainingApp).get('/readyz').expect(503);
    expect(res.body).toMatchObject({ status: 'draining' });
  });

  it('a reload of a vanished directory reports the failure without the path', async () => {
    config.remove();
    const outcome = await holder.reload();
    expect(outcome.ok).toBe(false);
    expect(holder.status().lastErrors).toEqual(['.:1:1 (the server log has the details)']);
  });

  it('security review #6: /readyz says where a reload failed, never the config values it quotes', async () => {
    config.write(
      'domains/leak.yaml',
      'domain: leak.example\nincoming: [{ type: imap, host: imap.leak.example, port: SECRET-PORT-xyz, security: tls }]\noutgoing: [{ host: smtp.leak.example, security: tls }]\n',
    );
    const capture = new LogCapture();
    await reloadAndReport(holder, pino({}, capture), 'SIGHUP');
    const ready = await request(app).get('/readyz').expect(200);
    expect((ready.body as { lastReload: { errors: string[] } }).lastReload.errors).toEqual([
      'domains/leak.yaml:2:57 incoming[0].port (the server log has the details)',
    ]);
    expect(ready.text).not.toContain('SECRET');
    // The admin still learns what is wrong, from the log.
    expect(capture.text).toContain('SECRET-PORT-xyz');
  });
});

describe('/metrics', () => {
  it('counts requests by protocol, outcome and status and times them', async () => {
    await request(app).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com').expect(200);
    await request(app).get('/mail/config-v1.1.xml?emailaddress=a%40unknown.example').expect(404);
    await request(app)
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(poxBody('bob@example.net'));
    await request(app).post('/autodiscover/autodiscover.xml').type('application/json').send('{}').expect(415);
    await new Promise((resolve) => setImmediate(resolve));
    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    for (const line of [
      'mail_autoconf_requests_total{protocol="autoconfig",outcome="ok",status="200"} 1',
      'mail_autoconf_requests_total{protocol="autoconfig",outcome="unknown-domain",status="404"} 1',
      'mail_autoconf_requests_total{protocol="autodiscover",outcome="ok",status="200"} 1',
      'mail_autoconf_requests_total{protocol="autodiscover",outcome="bad-request",status="415"} 1',
      'mail_autoconf_request_duration_seconds_count{protocol="autoconfig"} 2',
      'mail_autoconf_domains_loaded 2',
      'mail_autoconf_names_loaded 3',
      'mail_autoconf_config_generation 1',
      'mail_autoconf_config_last_reload_success 1',
    ])
      expect(text).toContain(line);
    expect(text).toMatch(/^mail_autoconf_config_last_reload_timestamp_seconds \d+(\.\d+)?$/m);
  });

  it('is not served when it has its own listen address', async () => {
    const main = createApp({ snapshot: () => holder.snapshot(), serveMetrics: false });
    await request(main).get('/metrics').expect(404);
    await request(main).get('/readyz').expect(200);
  });
});

describe('reload while requests are in flight', () => {
  it('a request answers entirely from the snapshot it took, even if a swap lands mid-answer', async () => {
    const before = holder.snapshot();
    config.fixWithNewDomain();
    const loaded = await loadCatalogDir(config.dir);
    if (!loaded.ok) throw new Error('fixed config does not load');
    const next = new Snapshot(loaded.config, 2);
    let calls = 0;
    // The worst moment: the config in force changes while the request is looking up its domain.
    const racing = new Proxy(before, {
      get(target, property) {
        if (property === 'settings') current = next;
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    let current: Snapshot = racing;
    const racingApp = createApp({
      snapshot: () => {
        calls += 1;
        return current;
      },
    });
    const first = await request(racingApp).get('/mail/config-v1.1.xml?emailaddress=a%40fresh.example');
    expect(current).toBe(next);
    expect(first.status).toBe(404); // answered by the snapshot it started with
    expect(calls).toBe(1); // one snapshot per request: nothing mixes two configs
    await request(racingApp).get('/mail/config-v1.1.xml?emailaddress=a%40fresh.example').expect(200);
    // Snapshots are immutable: whoever still holds the old one keeps getting the old answers.
    expect(before.settings('fresh.example')).toBeUndefined();
  });
});

describe('reload logging', () => {
  it('says why a reload failed', async () => {
    const capture = new LogCapture();
    config.breakIt();
    await reloadAndReport(holder, pino({}, capture), 'SIGHUP');
    expect(capture.lines()).toEqual([
      expect.objectContaining({
        level: 50,
        trigger: 'SIGHUP',
        generation: 1,
        msg: 'config reload failed; still serving the last good config',
        errors: [expect.stringContaining('domains/broken.yaml:2')],
      }),
    ]);
  });
});
