import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { ThrowawayPostgres } from '../helpers/databases';
import { runTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/tools';

/**
 * The `tls:` options of a source against a real PostgreSQL that accepts TCP only over TLS, with a
 * certificate from a throwaway CA made by openssl.
 */

let db: ThrowawayPostgres;
let pki: ReturnType<typeof tempDir>;
let config: ReturnType<typeof tempDir>;

function makeCa(name: string): void {
  runTool(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-subj',
      `/CN=${name}`,
      '-days',
      '1',
    ],
    { cwd: pki.path, stdio: 'ignore' },
  );
}

beforeAll(async () => {
  pki = tempDir('db-pki');
  makeCa('ca');
  makeCa('other-ca');
  writeFileSync(join(pki.path, 'san.cnf'), 'subjectAltName = IP:127.0.0.1\n');
  runTool(
    'openssl',
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { cwd: pki.path, stdio: 'ignore' },
  );
  runTool(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '7',
      '-days',
      '1',
      '-out',
      'server.pem',
      '-extfile',
      'san.cnf',
    ],
    { cwd: pki.path, stdio: 'ignore' },
  );
  db = await ThrowawayPostgres.create({
    tls: {
      certificate: readFileSync(join(pki.path, 'server.pem'), 'utf8'),
      key: readFileSync(join(pki.path, 'server.key'), 'utf8'),
    },
  });
  await db.sql(`CREATE TABLE mail_domain (name text PRIMARY KEY)`);
  await db.sql(`INSERT INTO mail_domain VALUES ('tls.example')`);
  config = tempDir('db-tls-config');
  mkdirSync(join(config.path, 'tls'));
  writeFileSync(join(config.path, 'tls', 'ca.pem'), readFileSync(join(pki.path, 'ca.pem')));
  writeFileSync(join(config.path, 'tls', 'other-ca.pem'), readFileSync(join(pki.path, 'other-ca.pem')));
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  pki?.remove();
  config?.remove();
});

async function validateWith(tls: string) {
  writeFileSync(
    join(config.path, 'service.yaml'),
    `service: { publicHost: autoconfig.h.example }
profiles:
  p: { incoming: [{ type: imap, host: imap.h.example, security: tls }], outgoing: [{ host: smtp.h.example, security: tls }] }
sources:
  - type: postgresql
    url: \${DB}
    query: SELECT name AS domain FROM mail_domain
    profile: p
    timeout: 3s
${tls}`,
  );
  return runCli(['validate', '--sources', config.path], { env: { DB: db.url } });
}

test('verify-full with the CA that signed the server certificate connects', async () => {
  const result = await validateWith('    tls: { mode: verify-full, ca: tls/ca.pem }\n');
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('sources[0]: 1 row, 1 domain served');
});

test('verify-full refuses a certificate from another CA', async () => {
  const result = await validateWith('    tls: { mode: verify-full, ca: tls/other-ca.pem }\n');
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /sources\[0\] \(postgresql:\/\/autoconf@127\.0\.0\.1:\d+\/panel\): cannot read the rows: .*(self[- ]signed|unable to verify|certificate)/i,
  );
});

test('require encrypts without checking the certificate; disable is refused by this server', async () => {
  expect((await validateWith('    tls: { mode: require }\n')).code).toBe(0);
  const plain = await validateWith('    tls: { mode: disable }\n');
  expect(plain.code).toBe(1);
  expect(plain.stderr).toMatch(
    /pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "autoconf", database "panel", no encryption/,
  );
});

test('a missing CA file is named', async () => {
  const result = await validateWith('    tls: { mode: verify-full, ca: tls/missing.pem }\n');
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('cannot read the rows: cannot read tls.ca tls/missing.pem (ENOENT)');
});
