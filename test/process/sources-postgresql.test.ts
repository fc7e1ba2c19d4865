import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DB_PASSWORD, ThrowawayPostgres } from '../helpers/databases';
import { buildCli, ServeProcess } from '../helpers/serve-process';

/**
 * A real PostgreSQL 15 (Debian's package) holding a control panel's domain table, and the real
 * server reading it: rows become answers, changes arrive by polling and by NOTIFY, an outage keeps
 * the last good rows, and the password never reaches the log.
 */

let cli: string;
let db: ThrowawayPostgres;
let dir: string;
let serve: ServeProcess | undefined;

const SERVICE = `
service: { publicHost: autoconfig.hosting.example }
profiles:
  hosting-eu:
    incoming: [{ type: imap, host: imap.hosting.example, security: tls }]
    outgoing: [{ type: smtp, host: smtp.hosting.example, security: tls }]
  hosting-us:
    incoming: [{ type: imap, host: imap.us.hosting.example, security: tls }]
    outgoing: [{ type: smtp, host: smtp.us.hosting.example, security: tls }]
domains:
  - { domain: yaml-only.example, extends: hosting-eu }
  - { domain: taken-over.example, extends: hosting-us, overridesSources: true }
sources:
  - name: panel
    type: postgresql
    url: \${MAIL_AUTOCONF_DB_URL}
    query: >-
      SELECT name AS domain, profile, aliases, login AS username, settings AS overrides
      FROM mail_domain WHERE active ORDER BY name
    profile: hosting-eu
    refresh: 1s
    timeout: 2s
  - name: instant
    type: postgresql
    url: \${MAIL_AUTOCONF_DB_URL}
    query: SELECT name AS domain FROM instant_domain
    profile: hosting-us
    refresh: 1h
    notify: mail_autoconf
`;

beforeAll(async () => {
  cli = buildCli();
  db = await ThrowawayPostgres.create();
  await db.sql(`CREATE TABLE mail_domain (
    name text PRIMARY KEY, profile text, aliases text[], login text, settings jsonb,
    active boolean NOT NULL DEFAULT true)`);
  await db.sql(`CREATE TABLE instant_domain (name text PRIMARY KEY)`);
  await db.sql(`CREATE FUNCTION instant_changed() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN PERFORM pg_notify('mail_autoconf', ''); RETURN NULL; END $$`);
  await db.sql(`CREATE TRIGGER instant_changed AFTER INSERT OR UPDATE OR DELETE ON instant_domain
    FOR EACH STATEMENT EXECUTE FUNCTION instant_changed()`);
}, 120_000);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-sources-'));
  writeFileSync(join(dir, 'service.yaml'), SERVICE);
  await db.sql('DELETE FROM mail_domain');
  await db.sql('DELETE FROM instant_domain');
  await db.sql(`INSERT INTO mail_domain (name, profile, aliases, login, settings) VALUES
    ('shop.example', NULL, '{shop.example.org}', NULL, NULL),
    ('bakery.example', 'hosting-us', NULL, 'localpart', NULL),
    ('custom.example', NULL, NULL, NULL, '{"incoming":[{"type":"imap","host":"mail.custom.example","port":1993,"security":"tls"}]}'),
    ('taken-over.example', NULL, NULL, NULL, NULL)`);
});

afterEach(async () => {
  await serve?.stop();
  serve = undefined;
  rmSync(dir, { recursive: true, force: true });
  await db.start().catch(() => undefined);
});

function start(env: NodeJS.ProcessEnv = { MAIL_AUTOCONF_DB_URL: db.url }): ServeProcess {
  serve = new ServeProcess(cli, ['--config', dir], env);
  return serve;
}

const autoconfig = (url: string, address: string) =>
  request(url).get(`/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`);

async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function ready(url: string): Promise<Record<string, unknown>> {
  return eventually(
    '/readyz 200',
    async () => {
      const res = await request(url).get('/readyz');
      return res.status === 200 ? (res.body as Record<string, unknown>) : undefined;
    },
    10_000,
  );
}

function expectNoPassword(process: ServeProcess): void {
  expect(process.stdout + process.stderr).not.toContain(DB_PASSWORD);
  expect(process.stdout).not.toContain(encodeURIComponent(DB_PASSWORD));
}

test('rows are served like YAML domains: profile, aliases, login policy, JSON overrides', async () => {
  const server = start();
  const url = await server.url();
  const status = await ready(url);
  expect(status.sources).toEqual([
    expect.objectContaining({ name: 'panel', state: 'ok', rows: 4, domains: 3, rowErrors: 0 }),
    expect.objectContaining({ name: 'instant', state: 'ok', rows: 0, listening: true }),
  ]);
  expect(status.version).toMatch(/^[0-9a-f]{16}$/);

  const shop = await autoconfig(url, 'alice@shop.example').expect(200);
  expect(shop.text).toContain('<hostname>imap.hosting.example</hostname>');
  const alias = await autoconfig(url, 'alice@shop.example.org').expect(200);
  expect(alias.text).toBe(shop.text);

  const bakery = await autoconfig(url, 'bob@bakery.example').expect(200);
  expect(bakery.text).toContain('<hostname>imap.us.hosting.example</hostname>');
  expect(bakery.text).toContain('<username>%EMAILLOCALPART%</username>');

  const custom = await autoconfig(url, 'carol@custom.example').expect(200);
  expect(custom.text).toContain('<hostname>mail.custom.example</hostname>');
  expect(custom.text).toContain('<port>1993</port>');
  expect(custom.text).toContain('<hostname>smtp.hosting.example</hostname>');

  // The YAML entry marked overridesSources wins over its row; YAML-only domains are unchanged.
  const taken = await autoconfig(url, 'dan@taken-over.example').expect(200);
  expect(taken.text).toContain('<hostname>imap.us.hosting.example</hostname>');
  await autoconfig(url, 'eve@yaml-only.example').expect(200);

  // The settings page and Autodiscover work the same for a source domain.
  const page = await request(url).get('/settings?email=alice%40shop.example').expect(200);
  expect(page.text).toContain('imap.hosting.example');
  expect(page.text).toContain('_imaps._tcp.shop.example.');

  const metrics = await request(url).get('/metrics').expect(200);
  expect(metrics.text).toContain('mail_autoconf_source_state{source="panel",state="ok"} 1');
  expect(metrics.text).toContain('mail_autoconf_source_rows{source="panel"} 4');
  expect(metrics.text).toContain('mail_autoconf_source_domains{source="panel"} 3');
  expect(metrics.text).toMatch(/mail_autoconf_source_last_success_timestamp_seconds\{source="panel"\} \d/);
  expect(metrics.text).toContain(`mail_autoconf_config_version_info{version="${String(status.version)}"} 1`);
  expectNoPassword(server);
}, 30_000);

test('bad rows are named and left out; the good rows are still served', async () => {
  await db.sql(`INSERT INTO mail_domain (name, settings) VALUES
    ('broken-port.example', '{"incoming":[{"type":"imap","host":"imap.x.example","port":99999,"security":"tls"}]}'),
    ('yaml-only.example', NULL),
    ('bad name!.example', NULL)`);
  await db.sql(`INSERT INTO mail_domain (name, profile) VALUES ('lost.example', 'no-such-profile')`);
  const server = start();
  const url = await server.url();
  const logged = await server.waitFor((line) => line.msg === 'source rows not served');
  const errors = logged.errors as string[];
  expect(errors).toEqual(
    expect.arrayContaining([
      // Rows are numbered as the query returns them (ORDER BY name).
      'sources[0] (panel) row 3 domain=broken-port.example: overrides.incoming[0].port: expected at most 65535, got 99999',
      expect.stringMatching(
        /^sources\[0\] \(panel\) row 1 domain="bad name!\.example": domain: expected a host name/,
      ),
      expect.stringMatching(
        /^sources\[0\] \(panel\) row 5 domain=lost\.example: extends: unknown profile "no-such-profile" \(known: hosting-eu, hosting-us\)$/,
      ),
      expect.stringMatching(
        /^sources\[0\] \(panel\) row 8 domain=yaml-only\.example: domain yaml-only\.example is also defined in YAML at .*service\.yaml \(domains\[0\]\)/,
      ),
    ]),
  );
  const status = await ready(url);
  expect(status.sources).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'panel', rowErrors: 4 })]),
  );
  await autoconfig(url, 'alice@shop.example').expect(200);
  await autoconfig(url, 'alice@broken-port.example').expect(404);
  // The YAML definition of the clashing name is the one served.
  await autoconfig(url, 'alice@yaml-only.example').expect(200);
}, 30_000);

test('added, changed and removed rows are served within the refresh interval, and at once on NOTIFY', async () => {
  const server = start();
  const url = await server.url();
  await ready(url);
  const generation = ((await request(url).get('/readyz')).body as { generation: number }).generation;

  const t0 = Date.now();
  await db.sql(`INSERT INTO mail_domain (name) VALUES ('new.example')`);
  await db.sql(`UPDATE mail_domain SET profile = 'hosting-us' WHERE name = 'shop.example'`);
  await db.sql(`UPDATE mail_domain SET active = false WHERE name = 'bakery.example'`);
  await eventually(
    'polled changes',
    async () => {
      const [added, changed, removed] = await Promise.all([
        autoconfig(url, 'a@new.example'),
        autoconfig(url, 'a@shop.example'),
        autoconfig(url, 'a@bakery.example'),
      ]);
      return added.status === 200 &&
        changed.text.includes('imap.us.hosting.example') &&
        removed.status === 404
        ? true
        : undefined;
    },
    // refresh: 1s, jittered by up to 10%.
    2_500,
  );
  expect(Date.now() - t0).toBeLessThan(2_500);

  // The NOTIFY source refreshes only hourly: only the notification can bring this row in time.
  const t1 = Date.now();
  await db.sql(`INSERT INTO instant_domain (name) VALUES ('instant.example')`);
  await eventually(
    'NOTIFY',
    async () => ((await autoconfig(url, 'a@instant.example')).status === 200 ? true : undefined),
    2_000,
  );
  expect(Date.now() - t1).toBeLessThan(2_000);
  await db.sql(`DELETE FROM instant_domain`);
  await eventually(
    'NOTIFY delete',
    async () => ((await autoconfig(url, 'a@instant.example')).status === 404 ? true : undefined),
    2_000,
  );

  // No YAML reload happened: the generation counts YAML loads only.
  const after = (await request(url).get('/readyz')).body as { generation: number };
  expect(after.generation).toBe(generation);
  expectNoPassword(server);
}, 30_000);

test('a database outage keeps the last good rows served and /readyz says why; then it recovers', async () => {
  const server = start();
  const url = await server.url();
  const before = await ready(url);

  await db.stop();
  const notReady = await eventually(
    '/readyz 503',
    async () => {
      const res = await request(url).get('/readyz');
      return res.status === 503 ? (res.body as { status: string; reasons: string[] }) : undefined;
    },
    10_000,
  );
  expect(notReady.status).toBe('not-ready');
  expect(notReady.reasons.join('\n')).toMatch(
    /source panel \(postgresql postgresql:\/\/autoconf@127\.0\.0\.1:\d+\/panel\): failing: .*serving the 4 rows of/,
  );
  expect(JSON.stringify(notReady)).not.toContain(DB_PASSWORD);
  await autoconfig(url, 'alice@shop.example').expect(200);
  await autoconfig(url, 'eve@yaml-only.example').expect(200);
  const metrics = await request(url).get('/metrics').expect(200);
  expect(metrics.text).toContain('mail_autoconf_source_state{source="panel",state="failing"} 1');
  expect(metrics.text).not.toContain(DB_PASSWORD);

  await db.start();
  const after = await ready(url);
  // Same rows as before the outage: the same config version.
  expect(after.version).toBe(before.version);
  await db.sql(`INSERT INTO instant_domain (name) VALUES ('after-outage.example')`);
  // The listener is back too: a change made now arrives by NOTIFY.
  await eventually(
    'listening again',
    async () => {
      const res = await request(url).get('/readyz');
      const sources = (res.body as { sources: { name: string; listening?: boolean }[] }).sources;
      return sources.find((s) => s.name === 'instant')?.listening ? true : undefined;
    },
    10_000,
  );
  await eventually(
    'rows read after recovery',
    async () => ((await autoconfig(url, 'a@after-outage.example')).status === 200 ? true : undefined),
    5_000,
  );
  expect(server.lines.some((line) => line.msg === 'source recovered')).toBe(true);
  expectNoPassword(server);
}, 60_000);

test('a database unreachable at start: the server starts with the YAML domains, not ready, and catches up', async () => {
  await db.stop();
  const server = start();
  const url = await server.url();
  await autoconfig(url, 'eve@yaml-only.example').expect(200);
  await autoconfig(url, 'alice@shop.example').expect(404);
  const res = await request(url).get('/readyz').expect(503);
  expect((res.body as { reasons: string[] }).reasons[0]).toMatch(
    /^source panel \(postgresql .*\): not loaded yet/,
  );
  await db.start();
  await ready(url);
  await autoconfig(url, 'alice@shop.example').expect(200);
  expectNoPassword(server);
}, 60_000);

test('a YAML reload re-resolves the rows against the new profiles, and a source added by a reload starts', async () => {
  const server = start();
  const url = await server.url();
  await ready(url);
  const before = (await request(url).get('/readyz')).body as { version: string };
  writeFileSync(
    join(dir, 'service.yaml'),
    SERVICE.replace('imap.hosting.example', 'imap.new-hosting.example').replace(
      '  - name: instant',
      `  - name: extra
    type: postgresql
    url: \${MAIL_AUTOCONF_DB_URL}
    query: SELECT 'extra.example' AS domain
    profile: hosting-eu
  - name: instant`,
    ),
  );
  const mark = server.lines.length;
  server.signal('SIGHUP');
  await server.waitFor((line) => line.msg === 'config reloaded', mark);
  await eventually(
    'the new profile and the new source',
    async () => {
      const [shop, extra] = await Promise.all([
        autoconfig(url, 'alice@shop.example'),
        autoconfig(url, 'x@extra.example'),
      ]);
      return shop.text.includes('imap.new-hosting.example') && extra.status === 200 ? true : undefined;
    },
    5_000,
  );
  const after = await ready(url);
  expect(after.version).not.toBe(before.version);
  expect((after.sources as { name: string }[]).map((s) => s.name)).toEqual(['panel', 'extra', 'instant']);
}, 30_000);

test('a wrong password is reported without the password, and a rotated one is picked up from urlFile', async () => {
  // The DSN in a file, as a mounted Secret holds it; the panel's password was just rotated.
  const wrong = db.url.replace(DB_PASSWORD, 'not-the-password-xyz');
  writeFileSync(join(dir, 'db-url'), `${wrong}\n`);
  writeFileSync(
    join(dir, 'service.yaml'),
    SERVICE.replaceAll('url: ${MAIL_AUTOCONF_DB_URL}', 'urlFile: db-url'),
  );
  const server = start({});
  const url = await server.url();
  const line = await server.waitFor((l) => String(l.msg).startsWith('source read failed'));
  expect(String(line.msg)).toContain('password authentication failed for user "autoconf"');
  const res = await request(url).get('/readyz').expect(503);
  expect(JSON.stringify(res.body)).not.toContain('not-the-password-xyz');

  // The Secret is updated in place: the next retry reads the file again, without a restart.
  writeFileSync(join(dir, 'db-url'), `${db.url}\n`);
  await ready(url);
  await autoconfig(url, 'alice@shop.example').expect(200);
  expect(server.stdout + server.stderr).not.toContain('not-the-password-xyz');
  expectNoPassword(server);
}, 30_000);
