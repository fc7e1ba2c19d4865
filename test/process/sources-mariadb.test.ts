import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DB_PASSWORD, TestMariaDb } from '../helpers/databases';
import { buildCli, ServeProcess } from '../helpers/serve-process';

/**
 * A real MariaDB 10.11 (Debian's package; the same driver serves MySQL) with a control panel's
 * domain table, read by the real server through an account with a password and SELECT rights only.
 */

let cli: string;
let db: TestMariaDb;
let dir: string;
let serve: ServeProcess | undefined;

const SERVICE = `
profiles:
  hosting-eu:
    incoming: [{ type: imap, host: imap.hosting.example, security: tls }]
    outgoing: [{ type: smtp, host: smtp.hosting.example, security: tls }]
sources:
  - name: panel
    type: mariadb
    url: \${PANEL_DB}
    query: >-
      SELECT domain, aliases, overrides FROM panel.mail_domain WHERE active = 1 ORDER BY domain
    profile: hosting-eu
    refresh: 1s
    timeout: 2s
`;

beforeAll(async () => {
  cli = buildCli();
  db = await TestMariaDb.create();
  await db.sql(`CREATE TABLE panel.mail_domain (
    domain VARCHAR(253) PRIMARY KEY, aliases TEXT NULL, overrides JSON NULL, active TINYINT NOT NULL DEFAULT 1)`);
}, 120_000);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-sources-'));
  writeFileSync(join(dir, 'service.yaml'), SERVICE);
  await db.sql('DELETE FROM panel.mail_domain');
  await db.sql(`INSERT INTO panel.mail_domain (domain, aliases, overrides) VALUES
    ('shop.example', 'shop.example.org, shop.example.net', NULL),
    ('custom.example', NULL, '{"username": "localpart", "outgoing": [{"host": "out.custom.example", "port": 2525, "security": "starttls"}]}'),
    ('broken.example', NULL, '{"incoming": "imap.broken.example"}')`);
});

afterEach(async () => {
  await serve?.stop();
  serve = undefined;
  rmSync(dir, { recursive: true, force: true });
  await db.start();
});

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

const autoconfig = (url: string, address: string) =>
  request(url).get(`/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`);

const readyz = async (url: string, status: number) =>
  eventually(
    `/readyz ${status}`,
    async () => {
      const res = await request(url).get('/readyz');
      return res.status === status ? (res.body as Record<string, unknown>) : undefined;
    },
    10_000,
  );

test('rows, comma-separated aliases and JSON text overrides are served; bad rows are named; changes and an outage', async () => {
  serve = new ServeProcess(cli, ['--config', dir], { PANEL_DB: db.url });
  const url = await serve.url();
  const status = await readyz(url, 200);
  expect(status.sources).toEqual([
    expect.objectContaining({
      name: 'panel',
      type: 'mariadb',
      state: 'ok',
      rows: 3,
      domains: 2,
      rowErrors: 1,
    }),
  ]);
  const logged = await serve.waitFor((line) => line.msg === 'source rows not served');
  expect(logged.errors).toEqual([
    'sources[0] (panel) row 1 domain=broken.example: overrides.incoming: expected array, got "imap.broken.example"',
  ]);

  const shop = await autoconfig(url, 'a@shop.example').expect(200);
  expect((await autoconfig(url, 'a@shop.example.net').expect(200)).text).toBe(shop.text);
  const custom = await autoconfig(url, 'b@custom.example').expect(200);
  expect(custom.text).toContain('<hostname>out.custom.example</hostname>');
  expect(custom.text).toContain('<port>2525</port>');
  expect(custom.text).toContain('<username>%EMAILLOCALPART%</username>');
  await autoconfig(url, 'c@broken.example').expect(404);

  await db.sql(`INSERT INTO panel.mail_domain (domain) VALUES ('new.example')`);
  await db.sql(`UPDATE panel.mail_domain SET active = 0 WHERE domain = 'shop.example'`);
  await eventually(
    'changes',
    async () =>
      (await autoconfig(url, 'a@new.example')).status === 200 &&
      (await autoconfig(url, 'a@shop.example.org')).status === 404
        ? true
        : undefined,
    2_500,
  );

  await db.stop();
  const down = await readyz(url, 503);
  expect((down.reasons as string[])[0]).toMatch(
    /^source panel \(mariadb mysql:\/\/autoconf@127\.0\.0\.1:\d+\/panel\): failing: .*serving the 3 rows of /,
  );
  await autoconfig(url, 'a@new.example').expect(200);
  await db.start();
  await readyz(url, 200);
  await autoconfig(url, 'a@new.example').expect(200);
  expect(serve.stdout + serve.stderr).not.toContain(DB_PASSWORD);
}, 60_000);

test('an account without rights on the table: the database error is reported, without the password', async () => {
  writeFileSync(
    join(dir, 'service.yaml'),
    SERVICE.replace('panel.mail_domain', 'mysql.user').replace(
      'SELECT domain, aliases, overrides',
      'SELECT User AS domain',
    ),
  );
  serve = new ServeProcess(cli, ['--config', dir], { PANEL_DB: db.url });
  const url = await serve.url();
  const line = await serve.waitFor((l) => String(l.msg).startsWith('source read failed'));
  expect(String(line.msg)).toMatch(/SELECT command denied to user 'autoconf'@'127\.0\.0\.1' for table/);
  const res = await request(url).get('/readyz').expect(503);
  expect(JSON.stringify(res.body)).not.toContain(DB_PASSWORD);
  expect(serve.stdout + serve.stderr).not.toContain(DB_PASSWORD);
}, 30_000);
