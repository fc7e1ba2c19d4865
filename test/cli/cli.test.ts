import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configJsonSchema } from '../../src/config/schema';
import { makeTestPki } from '../helpers/certificates';
import { runCli, runCommand, startServe } from '../helpers/cli';
import { EXAMPLE_CONFIG_DIR } from '../helpers/example';
import { GOLDEN_DIR } from '../helpers/golden';

function tempConfig(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('mail-autoconf validate', () => {
  it('prints a one-line summary and exits 0 for the shipped config', async () => {
    const result = await runCommand(['validate', 'config']);
    expect(result).toEqual({
      code: 0,
      stdout: 'OK: 2 domains (3 names with aliases) in 4 files of config\n',
      stderr: '',
    });
  });

  it('prints every error as file:line:col path: reason and exits 1', async () => {
    const dir = tempConfig({
      'typo.yaml':
        'domain: example.com\nincoming:\n  - { type: imap, host: imap.example.com, securty: tls }\noutgoing: []\n',
    });
    const result = await runCommand(['validate', dir], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'typo.yaml:3:5 incoming[0].security: required: one of "tls" | "starttls" | "none"',
        'typo.yaml:3:43 incoming[0].securty: unknown key (did you mean "security"?)',
        'typo.yaml:4:11 outgoing: must have at least 1 entry',
        'mail-autoconf: 3 errors in the current directory',
        '',
      ].join('\n'),
    );
  });

  it.each(['constructor', 'toString'])(
    'security review #11: refuses username: %s with a validation error',
    async (policy) => {
      const dir = tempConfig({
        'ctor.yaml': `domain: ctor.example\nusername: ${policy}\nincoming: [{ type: imap, host: imap.ctor.example, security: tls }]\noutgoing: [{ host: smtp.ctor.example, security: tls }]\n`,
      });
      const result = await runCli(['validate', dir], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`ctor.yaml:2:11 username: expected "email", "localpart" or a template`);
      expect(result.stdout).toBe('');
    },
  );

  it('security review #9: refuses a signing key other users can read, and accepts it once private', async () => {
    const pki = makeTestPki('ec');
    try {
      const dir = tempConfig({
        'd.yaml':
          'domain: example.com\nincoming: [{ type: imap, host: imap.example.com, security: tls }]\noutgoing: [{ host: smtp.example.com, security: tls }]\n',
        'service.yaml': `service:\n  signing:\n    certificate: ${pki.certificate}\n    key: privkey.pem\n`,
      });
      copyFileSync(pki.key, join(dir, 'privkey.pem'));
      chmodSync(join(dir, 'privkey.pem'), 0o666);
      const open = await runCli(['validate', dir], { cwd: dir });
      expect(open.code).toBe(1);
      expect(open.stderr).toContain(
        'service.yaml:4:10 service.signing.key: privkey.pem can be read or changed by other users (mode 666); make it private to the server, e.g. chmod 600',
      );
      chmodSync(join(dir, 'privkey.pem'), 0o600);
      const closed = await runCli(['validate', dir], { cwd: dir });
      expect(closed.code).toBe(0);
      expect(closed.stderr).not.toContain('privkey.pem');
    } finally {
      pki.remove();
    }
  });

  it('prints warnings but still succeeds', async () => {
    const dir = tempConfig({
      'plain.yaml':
        'domain: example.com\nincoming: [{ type: imap, host: imap.provider.example, security: none }]\noutgoing: [{ host: smtp.provider.example, security: starttls }]\n',
    });
    const result = await runCli(['validate', dir], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^plain\.yaml:2:65 warning: incoming\[0\]\.security: security "none"/);
    expect(result.stderr).toContain('warning: service.publicHost is not set');
    expect(result.stdout).toBe(
      'OK: 1 domain (1 names with aliases) in 1 file of the current directory, 2 warnings\n',
    );
  });

  it('says so when the directory does not exist or holds no YAML', async () => {
    expect(await runCli(['validate', '/nonexistent-dir-for-test'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'mail-autoconf: cannot read config directory /nonexistent-dir-for-test (ENOENT)\n',
    });
    const empty = tempConfig({ 'notes.txt': 'nothing' });
    const result = await runCli(['validate', empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no .yaml or .yml files found');
  });

  it('reads MAIL_AUTOCONF_CONFIG when no directory is given', async () => {
    const dir = tempConfig({ 'bad.yaml': 'domain: 42\n' });
    const result = await runCli(['validate'], { env: { MAIL_AUTOCONF_CONFIG: dir } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('domain: expected string, got 42');
  });
});

describe('mail-autoconf render', () => {
  it.each([
    ['alice@example.com', 'autoconfig', 'example.com/autoconfig.xml'],
    ['bob@example.net', 'autodiscover', 'example.net/autodiscover.xml'],
  ])('prints exactly what the server sends: %s --format %s', async (address, format, golden) => {
    const result = await runCommand(['render', address, '--format', format]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(GOLDEN_DIR, golden), 'utf8'));
  });

  it('defaults to autoconfig and rejects unknown formats', async () => {
    expect((await runCli(['render', 'alice@example.com'])).stdout).toContain('<clientConfig version="1.1">');
    const bad = await runCli(['render', 'alice@example.com', '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'pdf' is invalid. Allowed choices are autoconfig, autodiscover");
  });

  it('explains invalid addresses and unknown domains', async () => {
    expect(await runCli(['render', 'not-an-address'])).toMatchObject({
      code: 2,
      stderr: 'mail-autoconf: not a valid email address: address has no @\n',
    });
    expect(await runCli(['render', 'a@unknown.example', '--config', EXAMPLE_CONFIG_DIR])).toMatchObject({
      code: 2,
      stderr: `mail-autoconf: unknown.example is not in the config at ${EXAMPLE_CONFIG_DIR}\n`,
    });
  });
});

describe('mail-autoconf schema and help', () => {
  it('prints the JSON Schema', async () => {
    const result = await runCli(['schema']);
    expect(JSON.parse(result.stdout)).toEqual(configJsonSchema());
  });

  it.each([[[]], [['serve']], [['validate']], [['render']], [['schema']]])(
    '--help works for %j',
    async (argv) => {
      const result = await runCli([...argv, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: mail-autoconf/);
    },
  );

  it('an unknown command is an error with a hint', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});

describe('mail-autoconf serve', () => {
  it('serves the example config, and drains and exits 0 on SIGTERM', async () => {
    const server = await startServe();
    try {
      const res = await fetch(`${server.url}/mail/config-v1.1.xml?emailaddress=alice%40example.com`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(readFileSync(join(GOLDEN_DIR, 'example.com/autoconfig.xml'), 'utf8'));
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    expect(server.logs()).toContain('"msg":"stopped"');
  });

  it('falls back to the bundled example when there is no ./config', async () => {
    const server = await startServe([], { cwd: tmpdir() });
    try {
      expect(server.logs()).toContain('serving the bundled EXAMPLE config');
      expect(server.logs()).toContain('WARNING: using the bundled EXAMPLE config');
      expect((await fetch(`${server.url}/mail/config-v1.1.xml?emailaddress=a%40example.net`)).status).toBe(
        200,
      );
    } finally {
      await server.stop();
    }
  });

  it('refuses to start on a broken config and says why', async () => {
    const dir = tempConfig({ 'a.yaml': 'domain: example.com\n' });
    const result = await runCommand(['serve', '--config', dir, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no incoming servers');
  });

  it('rejects an invalid port', async () => {
    expect(await runCli(['serve', '--port', 'http'])).toMatchObject({
      code: 2,
      stderr: 'mail-autoconf: invalid port: http\n',
    });
  });
});
