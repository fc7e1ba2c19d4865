import { run } from '../../src/cli/run';
import { RENDER_FORMATS } from '../../src/endpoints/index';
import type { CliIo } from '../../src/cli/io';
import { EXAMPLE_CONFIG_DIR, REPO_ROOT } from '../helpers/example';
import { expectGolden } from '../helpers/golden';

async function cli(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const out: Buffer[] = [];
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text) => out.push(Buffer.from(text)) },
    stderr: { write: (text) => (stderr += String(text)) },
    env: {},
    cwd: REPO_ROOT,
  };
  const code = await run([...args, '--config', EXAMPLE_CONFIG_DIR], io);
  return { code, stdout: Buffer.concat(out), stderr };
}

describe('mail-autoconf render', () => {
  it.each([
    ['autodiscover-json', 'example.com/autodiscover-v1.json'],
    ['autodiscover-json-activesync', 'example.com/autodiscover-activesync.json'],
    ['mobileconfig', 'example.com/profile.mobileconfig'],
    ['mobilesync', 'example.com/mobilesync.xml'],
  ])('--format %s --raw prints the exact bytes the server sends', async (format, golden) => {
    const { code, stdout } = await cli(['render', 'alice@example.com', '--format', format, '--raw']);
    expect(code).toBe(0);
    expectGolden(golden, stdout);
  });

  it('ends a text answer with a newline unless --raw asks for the exact bytes', async () => {
    const plain = await cli(['render', 'alice@example.com', '--format', 'autodiscover-json']);
    const raw = await cli(['render', 'alice@example.com', '--format', 'autodiscover-json', '--raw']);
    expect(raw.stdout.at(-1)).toBe('}'.charCodeAt(0));
    expect(plain.stdout.toString()).toBe(`${raw.stdout.toString()}\n`);
    expect(JSON.parse(plain.stdout.toString())).toEqual(JSON.parse(raw.stdout.toString()));
  });

  it('prints an error answer as the server sends it, exits 0 and names the answer on stderr', async () => {
    const { code, stdout, stderr } = await cli([
      'render',
      'bob@example.net',
      '--format',
      'autodiscover-json-activesync',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout.toString())).toMatchObject({ ErrorCode: 'InvalidProtocol' });
    expect(stderr).toBe('mail-autoconf: note: the server answers this with "unsupported" (HTTP 400)\n');
  });

  it('no format ever carries a password', async () => {
    const passwordFields =
      /<password>|<key>(Incoming|Outgoing|CalDAV|CardDAV)?Password<\/key>|"Password"|<Password>/i;
    for (const format of RENDER_FORMATS.map((choice) => choice.format)) {
      for (const address of ['alice@example.com', 'bob@example.net', 'carol@example.org']) {
        const { stdout } = await cli(['render', address, '--format', format]);
        expect(stdout.length).toBeGreaterThan(0);
        expect(stdout.toString()).not.toMatch(passwordFields);
      }
    }
  });
});
