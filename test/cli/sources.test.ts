import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { DB_PASSWORD, ThrowawayPostgres } from '../helpers/databases';

/** The commands on a config whose domains come partly from a real PostgreSQL. */

let db: ThrowawayPostgres;
let dir: string;

const SERVICE = `
service: { publicHost: autoconfig.hosting.example }
profiles:
  hosting-eu:
    incoming: [{ type: imap, host: imap.hosting.example, security: tls }]
    outgoing: [{ type: smtp, host: smtp.hosting.example, security: tls }]
domains:
  - { domain: yaml-only.example, extends: hosting-eu }
sources:
  - type: postgresql
    urlFile: secrets/db-url
    query: SELECT name AS domain, aliases FROM mail_domain ORDER BY name
    profile: hosting-eu
`;

beforeAll(async () => {
  db = await ThrowawayPostgres.create();
  await db.sql(`CREATE TABLE mail_domain (name text PRIMARY KEY, aliases text)`);
}, 120_000);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-cli-sources-'));
  writeFileSync(join(dir, 'service.yaml'), SERVICE);
  // The DSN in a file, as a mounted Kubernetes Secret provides it.
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'db-url'), `${db.url}\n`);
  await db.sql('DELETE FROM mail_domain');
  await db.sql(
    `INSERT INTO mail_domain VALUES ('shop.example', 'shop.example.org'), ('bakery.example', NULL)`,
  );
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('validate reads the rows only with --sources, and names bad rows', async () => {
  const plain = await runCli(['validate', dir]);
  expect(plain.code).toBe(0);
  expect(plain.stdout).toContain('1 SQL source not read: `validate --sources` checks their rows too');

  const good = await runCli(['validate', '--sources', dir]);
  expect(good.stderr).toBe('');
  expect(good.stdout).toContain('sources[0]: 2 rows, 2 domains served');
  expect(good.code).toBe(0);

  await db.sql(`INSERT INTO mail_domain VALUES ('bad..example', NULL), ('yaml-only.example', NULL)`);
  const bad = await runCli(['validate', '--sources', dir]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('sources[0] row 1 domain=bad..example: domain: expected a host name');
  expect(bad.stderr).toMatch(
    /sources\[0\] row 4 domain=yaml-only\.example: domain yaml-only\.example is also defined in YAML at .*service\.yaml \(domains\[0\]\)/,
  );
  expect(bad.stderr).toContain('mail-autoconf: 2 rows with errors');
});

test('a source that cannot be read fails validate --sources, without the password', async () => {
  await db.stop();
  try {
    const down = await runCli(['validate', '--sources', dir]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /^sources\[0\] \(postgresql:\/\/autoconf@127\.0\.0\.1:\d+\/panel\): cannot read the rows: .*ECONNREFUSED/m,
    );
    expect(down.stderr + down.stdout).not.toContain(DB_PASSWORD);
    const dns = await runCli(['dns', '--all', '--config', dir]);
    expect(dns.code).toBe(1);
    expect(dns.stderr).toContain('1 source could not be read');
  } finally {
    await db.start();
  }
});

test('a missing environment variable is named', async () => {
  writeFileSync(
    join(dir, 'service.yaml'),
    SERVICE.replace('urlFile: secrets/db-url', 'url: ${PANEL_DB_URL}'),
  );
  const result = await runCli(['validate', '--sources', dir]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    'sources[0]: cannot read the rows: the environment variable PANEL_DB_URL is not set',
  );
  const set = await runCli(['validate', '--sources', dir], { env: { PANEL_DB_URL: db.url } });
  expect(set.code).toBe(0);
});

test('dns --all, render and export --static include the domains of the source', async () => {
  const dns = await runCli(['dns', '--all', '--config', dir]);
  expect(dns.code).toBe(0);
  for (const zone of ['yaml-only.example', 'shop.example', 'shop.example.org', 'bakery.example'])
    expect(dns.stdout).toContain(`$ORIGIN ${zone}.`);
  expect(dns.stdout).toContain('_imaps._tcp.bakery.example.');

  const render = await runCli(['render', 'alice@shop.example.org', '--config', dir]);
  expect(render.code).toBe(0);
  expect(render.stdout).toContain('<hostname>imap.hosting.example</hostname>');

  const out = join(dir, 'static');
  const exported = await runCli(['export', '--static', out, '--config', dir]);
  expect(exported.code).toBe(0);
  expect(existsSync(join(out, 'autoconfig.shop.example.org', 'mail', 'config-v1.1.xml'))).toBe(true);
  expect(
    existsSync(join(out, 'bakery.example', '.well-known', 'autoconfig', 'mail', 'config-v1.1.xml')),
  ).toBe(true);
});

test('a query slower than the timeout is cut off and reported', async () => {
  writeFileSync(
    join(dir, 'service.yaml'),
    SERVICE.replace(
      'query: SELECT name AS domain, aliases FROM mail_domain ORDER BY name',
      'query: SELECT name AS domain FROM mail_domain, pg_sleep(5)\n    timeout: 500ms',
    ),
  );
  const started = Date.now();
  const result = await runCli(['validate', '--sources', dir]);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /sources\[0\] \(postgresql:\/\/[^)]*\): cannot read the rows: .*(timeout|statement timeout|canceling statement)/i,
  );
  expect(Date.now() - started).toBeLessThan(4_000);
});
