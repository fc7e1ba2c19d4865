import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../../src/cli/run';
import { CLI, runCli, runCommand, startServe } from '../helpers/cli';
import { EXAMPLE_CONFIG_DIR, REPO_ROOT } from '../helpers/example';
import { describeWithTools } from '../helpers/tools';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-manners-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const SERVICE = 'service:\n  publicHost: autoconfig.provider.example\n';
const DOMAIN = `domain: example.com
incoming:
  - type: imap
    host: imap.provider.example
    port: 993
    security: tls
outgoing:
  - type: smtp
    host: smtp.provider.example
    port: 465
    security: tls
`;

/** The CLI in-process with a terminal-like or piped stdout/stderr. */
async function runWithStreams(argv: string[], options: { tty: boolean; env?: Record<string, string> }) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text) => (stdout += String(text)), isTTY: options.tty },
    stderr: { write: (text) => (stderr += String(text)), isTTY: options.tty },
    env: options.env ?? {},
    cwd: REPO_ROOT,
  });
  return { code, stdout, stderr };
}

const ESC = '\u001b[';
const COMMANDS = ['serve', 'validate', 'render', 'dns', 'check', 'schema', 'completion'];

describe('exit status: 0 success, 1 invalid config or failed check, 2 usage error', () => {
  it.each([
    [['validate', 'config'], 0],
    [['--version'], 0],
    [['--help'], 0],
    [['help', 'validate'], 0],
    [['validate', '--help'], 0],
    [['render', 'alice@example.com'], 0],
    [[], 2],
    [['frobnicate'], 2],
    [['validate', '--frobnicate'], 2],
    [['render'], 2],
    [['render', 'alice@example.com', '--format', 'pdf'], 2],
    [['render', 'not-an-address'], 2],
    [['render', 'a@unknown.example'], 2],
    [['dns', 'example.com', '--ttl', 'soon'], 2],
    [['dns', 'unknown.example'], 2],
    [['schema', 'extra'], 2],
    [['completion', 'tcsh'], 2],
    [['serve', '--port', 'http'], 2],
    [['check', 'example.com', '--resolver', 'dns.example'], 2],
  ])('%j exits %i', async (argv, code) => {
    const result = await runCli(argv);
    expect({ argv, code: result.code }).toEqual({ argv, code });
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 for an invalid config, as a real process', async () => {
    const dir = configDir({ 'a.yaml': 'domain: example.com\n' });
    const result = await runCommand(['validate', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no incoming servers');
  });

  it('documents the exit status in --help of the program and of every command', async () => {
    for (const argv of [[], ...COMMANDS.map((command) => [command])]) {
      const result = await runCli([...argv, '--help']);
      expect({ argv, code: result.code }).toEqual({ argv, code: 0 });
      expect(result.stdout).toContain('Exit status:');
      expect(result.stdout).toMatch(/^ {2}1 {3}the config is invalid, a check found a problem/m);
      expect(result.stdout).toMatch(/^ {2}2 {3}usage error/m);
    }
  });

  it('--version prints the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await runCommand(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('config mistakes in plain words', () => {
  it('names a key indented deeper than the key above it, on its own line', async () => {
    const dir = configDir({
      'service.yaml': SERVICE,
      'a.yaml': DOMAIN.replace('    port: 993', '      port: 993'),
    });
    const result = await runCli(['validate', dir], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(
      'a.yaml:5:7 `port` is indented deeper than the key above it (`host` on line 4), which already has a ' +
        'value: keys of one mapping start in the same column',
    );
    expect(result.stderr).not.toMatch(/Implicit keys|compact mappings/);
  });

  it('names a key indented less than its neighbours', async () => {
    const dir = configDir({
      'service.yaml': SERVICE,
      'a.yaml': DOMAIN.replace('    port: 993', '   port: 993'),
    });
    const result = await runCli(['validate', dir], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(
      'a.yaml:5:4 `port` is indented less than the key above it (`host` on line 4) but deeper than the list ' +
        'item on line 3: start it in the column of the keys it belongs with',
    );
  });

  it.each([
    [
      'a tab',
      DOMAIN.replace('  - type: imap', '\t- type: imap'),
      'a.yaml:3:1 indented with a tab: YAML indentation must be spaces',
    ],
    [
      'a repeated key',
      `${DOMAIN}domain: example.org\n`,
      'a.yaml:12:1 `domain` appears twice in the same mapping: keep one',
    ],
    [
      'a missing colon',
      DOMAIN.replace('domain: example.com', 'domain example.com'),
      'a.yaml:1:1 `domain example.com` is not a `key: value` pair: is the colon missing?',
    ],
  ])('explains %s', async (_name, text, line) => {
    const dir = configDir({ 'service.yaml': SERVICE, 'a.yaml': text });
    const result = await runCli(['validate', dir], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(line);
  });

  it('suggests the allowed value for a mistyped or foreign enum value', async () => {
    const dir = configDir({
      'service.yaml': SERVICE,
      'a.yaml': DOMAIN.replace('    security: tls\noutgoing', '    security: ssl\noutgoing').replace(
        /security: tls\n$/,
        'security: startls\n',
      ),
    });
    const result = await runCli(['validate', dir], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        'a.yaml:6:15 incoming[0].security: expected "tls" | "starttls" | "none", got "ssl" (did you mean "tls"?)',
        'a.yaml:11:15 outgoing[0].security: expected "tls" | "starttls" | "none", got "startls" (did you mean "starttls"?)',
        'mail-autoconf: 2 errors in the current directory',
        '',
      ].join('\n'),
    );
  });
});

describe('records clients need', () => {
  it('warns when service.publicHost is missing, and fails with --strict', async () => {
    const dir = configDir({ 'a.yaml': DOMAIN });
    const loose = await runCli(['validate', dir], { cwd: dir });
    expect(loose.code).toBe(0);
    expect(loose.stderr).toBe(
      'warning: service.publicHost is not set, so `mail-autoconf dns` cannot generate the autoconfig.<domain> ' +
        'and autodiscover.<domain> names or the _autodiscover._tcp SRV record that Thunderbird, Outlook and ' +
        'other clients look up first; set it to the host name this service answers on over https\n',
    );
    expect(loose.stdout).toBe(
      'OK: 1 domain (1 names with aliases) in 1 file of the current directory, 1 warning\n',
    );

    const strict = await runCli(['validate', '--strict', dir], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toMatch(/; --strict treats warnings as errors\n$/);
  });

  it('serve logs the same warning at start', async () => {
    const server = await startServe(['--config', configDir({ 'a.yaml': DOMAIN })]);
    try {
      expect(server.logs()).toContain(
        '"msg":"service.publicHost is not set, so `mail-autoconf dns` cannot generate',
      );
    } finally {
      await server.stop();
    }
  });

  it('says nothing of the kind when publicHost is set', async () => {
    const dir = configDir({ 'service.yaml': SERVICE, 'a.yaml': DOMAIN });
    expect(await runCli(['validate', '--strict', dir], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'OK: 1 domain (1 names with aliases) in 2 files of the current directory\n',
      stderr: '',
    });
  });
});

describe('which config directory', () => {
  it('validate names the directory and warns loudly when it is the bundled example', async () => {
    const empty = configDir({});
    const result = await runCommand(['validate'], { cwd: empty });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `mail-autoconf: WARNING: using the bundled EXAMPLE config (${EXAMPLE_CONFIG_DIR}): no --config, no ` +
        '$MAIL_AUTOCONF_CONFIG and no ./config here. Its domains are examples, not yours: give your config ' +
        'directory with --config DIR.\n',
    );
    expect(result.stdout).toBe(
      `OK: 2 domains (3 names with aliases) in 4 files of ${EXAMPLE_CONFIG_DIR} (the bundled example)\n`,
    );
  });

  it('does not warn when a directory is chosen', async () => {
    const result = await runCommand(['validate', EXAMPLE_CONFIG_DIR], { cwd: configDir({}) });
    expect(result.stderr).toBe('');
  });
});

describe('colour', () => {
  it('colours a terminal, not a pipe, and never with NO_COLOR', async () => {
    const tty = await runWithStreams(['validate', 'config'], { tty: true });
    expect(tty.stdout).toBe(`${ESC}32mOK${ESC}39m: 2 domains (3 names with aliases) in 4 files of config\n`);
    const piped = await runWithStreams(['validate', 'config'], { tty: false });
    expect(piped.stdout).not.toContain(ESC);
    const noColor = await runWithStreams(['validate', 'config'], { tty: true, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain(ESC);
    const forced = await runWithStreams(['validate', 'config'], { tty: false, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain(ESC);
  });

  it('colours problems on a terminal', async () => {
    const dir = configDir({ 'a.yaml': 'domain: example.com\n' });
    const result = await runWithStreams(['validate', dir], { tty: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${ESC}1m${join(dir, 'a.yaml')}:1:1${ESC}22m`);
    expect(result.stderr).toContain(`${ESC}31m2 errors in ${dir}${ESC}39m`);
  });

  describeWithTools([['script', 'Debian package bsdutils']], 'in a real terminal', () => {
    it('the installed command colours when its output is a terminal', () => {
      const inTerminal = (env: Record<string, string>) =>
        spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" validate config`, '/dev/null'], {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env },
        }).stdout;
      expect(inTerminal({})).toContain(`${ESC}32mOK`);
      expect(inTerminal({ NO_COLOR: '1' })).not.toContain(ESC);
    });
  });
});

describe('completion', () => {
  /** The script `completion SHELL` prints, saved to a file for the shell to source. */
  const script = (shell: string) => {
    const result = spawnSync(process.execPath, [CLI, 'completion', shell], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const file = join(configDir({}), `completion.${shell}`);
    writeFileSync(file, result.stdout);
    return file;
  };

  describeWithTools([['bash', 'Debian package bash']], 'bash', () => {
    /** What bash offers after `words` (the last one being completed). */
    const complete = (words: string[]) => {
      const result = spawnSync(
        'bash',
        [
          '-c',
          `source "${script('bash')}"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; ` +
            '_mail_autoconf; printf "%s\\n" "${COMPREPLY[@]}"; complete -p mail-autoconf',
        ],
        { encoding: 'utf8' },
      );
      expect(result.stderr).toBe('');
      return result.stdout.trim().split('\n');
    };

    it('loads and completes commands, options and option values', () => {
      expect(complete(['mail-autoconf', 'val'])).toEqual([
        'validate',
        'complete -o bashdefault -o default -F _mail_autoconf mail-autoconf',
      ]);
      expect(complete(['mail-autoconf', 'render', 'a@example.com', '--format', 'autodiscover-json'])).toEqual(
        [
          'autodiscover-json',
          'autodiscover-json-activesync',
          'complete -o bashdefault -o default -F _mail_autoconf mail-autoconf',
        ],
      );
      expect(complete(['mail-autoconf', 'validate', '--st'])).toContain('--strict');
      expect(complete(['mail-autoconf', 'completion', ''])).toEqual(
        expect.arrayContaining(['bash', 'zsh', 'fish']),
      );
    });
  });

  describeWithTools([['fish', 'Debian package fish (.ci/setup.d/50-shells.sh)']], 'fish', () => {
    it('loads and completes commands and option values', () => {
      const result = spawnSync(
        'fish',
        [
          '-c',
          `source '${script('fish')}'; complete -C 'mail-autoconf val'; complete -C 'mail-autoconf dns --format '`,
        ],
        { encoding: 'utf8' },
      );
      expect(result.stderr).toBe('');
      expect(result.stdout.split('\n').map((line) => line.split('\t')[0])).toEqual(
        expect.arrayContaining(['validate', 'zone', 'json']),
      );
    });
  });

  describeWithTools([['zsh', 'Debian package zsh (.ci/setup.d/50-shells.sh)']], 'zsh', () => {
    it('loads and registers the completion function', () => {
      const result = spawnSync(
        'zsh',
        [
          '-c',
          `autoload -U +X compinit && compinit -u; source '${script('zsh')}'; print -r -- \${_comps[mail-autoconf]}`,
        ],
        { encoding: 'utf8', env: { ...process.env, HOME: configDir({}) } },
      );
      expect(result.stdout.trim()).toBe('_bash_complete -o bashdefault -o default -F _mail_autoconf');
    });
  });
});

describe('scripts', () => {
  it.each(['generate-config', 'bench', 'bench-answers', 'bench-baseline', 'bench-request-parts'])(
    '%s --help prints its usage and exits 0; a wrong option exits 2 without a stack trace',
    (name) => {
      const file = join(REPO_ROOT, 'dist', 'scripts', `${name}.js`);
      const help = spawnSync(process.execPath, [file, '--help'], { encoding: 'utf8' });
      expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
      expect(help.stdout).toMatch(/^usage: /);
      if (name !== 'bench-answers') {
        const wrong = spawnSync(process.execPath, [file, '--frobnicate'], { encoding: 'utf8' });
        expect(wrong.status).toBe(2);
        expect(wrong.stderr).toMatch(/^Unknown option '--frobnicate'.*\nusage: /);
        expect(wrong.stderr).not.toMatch(/\n\s+at /);
      }
    },
  );

  it('bench-request-parts times every part of a request and prints each in µs', () => {
    const file = join(REPO_ROOT, 'dist', 'scripts', 'bench-request-parts.js');
    const run = spawnSync(process.execPath, [file, join(REPO_ROOT, 'config'), '--calls', '200'], {
      encoding: 'utf8',
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const parts = run.stdout
      .trim()
      .split('\n')
      .map((line) => /^(.+?)\s+(\d+\.\d\d) µs$/.exec(line));
    expect(parts.map((match) => match?.[1])).toEqual([
      'floor: node:http writes a precomputed answer',
      'front door: autoconfig GET',
      'front door: Autodiscover v2 JSON',
      'front door: unknown domain GET',
      'observer: request log line',
      'observer: metrics',
      'observer: both',
      'Autodiscover POST: reading the body (parsePoxRequest)',
      'Autodiscover POST: whole answer from the body',
    ]);
    for (const match of parts) expect(Number(match?.[2])).toBeGreaterThan(0);
  });
});
