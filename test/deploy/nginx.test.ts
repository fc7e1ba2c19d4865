import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/example';
import { requireTool, runTool, tempDir } from '../helpers/tools';

const SITE = join(REPO_ROOT, 'deploy', 'nginx', 'mail-autoconf.conf');

/**
 * `nginx -t` on the shipped site file inside a minimal nginx.conf, with the certificate paths
 * pointed at a throwaway self-signed pair (nginx -t loads them). Nothing else is changed.
 */
async function nginxTest(siteText: string) {
  const dir = tempDir('nginx');
  try {
    const cert = join(dir.path, 'fullchain.pem');
    const key = join(dir.path, 'privkey.pem');
    const made = await runTool('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=autoconfig.example.com',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    expect(made.code).toBe(0);
    const site = siteText
      .replace('/etc/ssl/mail-autoconf/fullchain.pem', cert)
      .replace('/etc/ssl/mail-autoconf/privkey.pem', key);
    writeFileSync(join(dir.path, 'site.conf'), site);
    writeFileSync(
      join(dir.path, 'nginx.conf'),
      `pid ${dir.path}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n  include ${dir.path}/site.conf;\n}\n`,
    );
    return await runTool('nginx', ['-t', '-q', '-p', dir.path, '-c', join(dir.path, 'nginx.conf')]);
  } finally {
    dir.remove();
  }
}

describe('deploy/nginx/mail-autoconf.conf', () => {
  beforeAll(() => {
    requireTool('nginx', 'nginx');
    requireTool('openssl', 'openssl');
  });

  it('passes nginx -t', async () => {
    const result = await nginxTest(readFileSync(SITE, 'utf8'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('would fail nginx -t on a broken directive, so the check above is a real one', async () => {
    const result = await nginxTest(readFileSync(SITE, 'utf8').replace('proxy_pass', 'proxy_passs'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown directive "proxy_passs"');
  });

  it('sets the forwarded headers the server trusts, and keeps the ask endpoint away from the public', () => {
    const site = readFileSync(SITE, 'utf8');
    expect(site).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
    expect(site).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(site).toMatch(/location \/\.well-known\/mail-autoconf\/ \{\s+return 404;/);
  });
});
