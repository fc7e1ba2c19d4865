import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from './system-tool';

/** A throwaway PKI made with openssl: root CA → intermediate CA → signing certificate. */
export interface TestPki {
  readonly dir: string;
  readonly root: string;
  readonly intermediate: string;
  readonly certificate: string;
  readonly key: string;
  readonly otherKey: string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  runTool('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestPki(leafKey: 'rsa' | 'ec' = 'rsa'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-pki-'));
  writeFileSync(
    join(dir, 'ca.cnf'),
    '[ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\n',
  );
  const newKey = (file: string, type: 'rsa' | 'ec') =>
    type === 'rsa'
      ? openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file])
      : openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
  const issue = (name: string, subject: string, issuer: string, serial: string, ca: boolean) => {
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-set_serial',
      serial,
      '-days',
      '2',
      '-out',
      `${name}.pem`,
      ...(ca ? ['-extfile', 'ca.cnf', '-extensions', 'ca'] : []),
    ]);
  };
  newKey('root.key', 'rsa');
  openssl(dir, [
    'req',
    '-x509',
    '-key',
    'root.key',
    '-subj',
    '/CN=mail-autoconf test root',
    '-days',
    '2',
    '-out',
    'root.pem',
  ]);
  newKey('intermediate.key', 'rsa');
  issue('intermediate', '/CN=mail-autoconf test intermediate', 'root', '2', true);
  newKey('signer.key', leafKey);
  issue('signer', '/CN=autoconfig.example.com', 'intermediate', '3', false);
  newKey('other.key', leafKey);
  return {
    dir,
    root: join(dir, 'root.pem'),
    intermediate: join(dir, 'intermediate.pem'),
    certificate: join(dir, 'signer.pem'),
    key: join(dir, 'signer.key'),
    otherKey: join(dir, 'other.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
