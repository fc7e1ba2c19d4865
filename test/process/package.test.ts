import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/example';

/**
 * What a user gets from the README's install route: `npm pack`, then `npm install -g` of the
 * tarball into an empty prefix, then the command on that prefix's PATH.
 */
describe('the packed package, installed into an empty prefix', () => {
  const work = mkdtempSync(join(tmpdir(), 'mail-autoconf-pack-'));
  const prefix = join(work, 'prefix');
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  const env = {
    ...process.env,
    // Only the new prefix and the tools a shell has: no mail-autoconf from anywhere else.
    PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_prefix: prefix,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };

  beforeAll(() => {
    mkdirSync(prefix);
    // The suite's global setup has just built dist/ (what `prepack` would do).
    const tarball = execFileSync(
      'npm',
      ['pack', '--silent', '--ignore-scripts', '--pack-destination', work],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env,
      },
    )
      .trim()
      .split('\n')
      .at(-1) as string;
    // Dependencies come from npm's cache when `npm ci` has filled it, else from the registry.
    execFileSync('npm', ['install', '--global', '--prefer-offline', '--omit=dev', join(work, tarball)], {
      cwd: work,
      encoding: 'utf8',
      env,
    });
  }, 240_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const command = (args: string[], cwd = work) =>
    spawnSync('mail-autoconf', args, { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });

  it('puts mail-autoconf on the PATH; --version reads package.json', () => {
    const result = command(['--version']);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: `${version}\n`,
      stderr: '',
    });
  });

  it('validates a config directory, and the bundled example with a warning', () => {
    const installed = join(prefix, 'lib', 'node_modules', 'mail-autoconf');
    const explicit = command(['validate', join(REPO_ROOT, 'config')]);
    expect(explicit.status).toBe(0);
    expect(explicit.stdout).toMatch(/^OK: 2 domains \(3 names with aliases\) in 4 files of /);
    const bundled = command(['validate']);
    expect(bundled.status).toBe(0);
    expect(bundled.stderr).toContain(
      `WARNING: using the bundled EXAMPLE config (${join(installed, 'config')})`,
    );
  });

  it('resolves main and exports for require(), with types', () => {
    const installed = join(prefix, 'lib', 'node_modules', 'mail-autoconf');
    const script =
      "const m = require('mail-autoconf'); const p = require('mail-autoconf/package.json');" +
      'console.log(JSON.stringify({ run: typeof m.run, load: typeof m.loadConfigDir, version: m.version(), pkg: p.version }))';
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: work,
      encoding: 'utf8',
      env: { ...env, NODE_PATH: join(prefix, 'lib', 'node_modules') },
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ run: 'function', load: 'function', version, pkg: version });
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      main: string;
      types: string;
      bin: Record<string, string>;
    };
    for (const file of [manifest.main, manifest.types, ...Object.values(manifest.bin)])
      expect({ file, exists: spawnSync('test', ['-f', join(installed, file)]).status }).toEqual({
        file,
        exists: 0,
      });
  });
});
