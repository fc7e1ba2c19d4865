import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from './system-tool';
import { tempDir } from './tools';

/** A test CA made with openssl that issues server certificates for any names, valid or expired. */
export interface MailPki {
  /** The CA certificate a client must trust (PEM file). */
  readonly ca: string;
  issue(names: readonly string[], options?: { expired?: boolean }): { certificate: string; key: string };
  remove(): void;
}

export function makeMailPki(): MailPki {
  const temp = tempDir('mail-pki');
  const dir = temp.path;
  const openssl = (args: string[]) =>
    runTool('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[ca]
default_ca = test
[test]
dir = .
database = index.txt
serial = serial
new_certs_dir = .
certificate = ca.pem
private_key = ca.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`,
  );
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key']);
  openssl([
    'req', '-x509', '-key', 'ca.key', '-subj', '/CN=mail-autoconf test mail CA', '-days', '365',
    '-config', 'ca.cnf', '-extensions', 'root', '-out', 'ca.pem',
  ]); // prettier-ignore
  let count = 0;
  return {
    ca: join(dir, 'ca.pem'),
    issue(names, options = {}) {
      const name = `leaf${++count}`;
      writeFileSync(
        join(dir, `${name}.ext`),
        `[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\nsubjectAltName = ${names.map((n) => `DNS:${n}`).join(', ')}\nauthorityKeyIdentifier = keyid\n`,
      );
      openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
      openssl([
        'req',
        '-new',
        '-key',
        `${name}.key`,
        '-subj',
        `/CN=${names[0] ?? 'none'}`,
        '-out',
        `${name}.csr`,
      ]);
      const validity = options.expired
        ? ['-startdate', '20200101000000Z', '-enddate', '20200301000000Z']
        : // Valid from a day back: a test that fixed its clock before the certificate was made
          // must not see a certificate that is not valid yet.
          ['-startdate', opensslTime(-1), '-enddate', opensslTime(90)];
      openssl([
        'ca', '-batch', '-config', 'ca.cnf', '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext',
        '-extfile', `${name}.ext`, '-extensions', 'leaf', ...validity,
      ]); // prettier-ignore
      return { certificate: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
    },
    remove: () => temp.remove(),
  };
}

/** `YYYYMMDDHHMMSSZ`, `days` from now, as `openssl ca -startdate/-enddate` take it. */
function opensslTime(days: number): string {
  const at = new Date(Date.now() + days * 86_400_000);
  return `${at.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
}
