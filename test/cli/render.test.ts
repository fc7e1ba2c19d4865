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
  ])('--format %s prints what the server sends', async (format, golden) => {
    const { code, stdout } = await cli(['render', 'alice@example.com', '--format', format]);
    expect(code).toBe(0);
    expectGolden(golden, stdout);
  });

  it('exits 1 and says why when the server would refuse', async () => {
    const { code, stderr } = await cli([
      'render',
      'bob@example.net',
      '--format',
      'autodiscover-json-activesync',
    ]);
    expect(code).toBe(1);
    expect(stderr).toBe('mail-autoconf: the server would answer this with "unsupported" (HTTP 400)\n');
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
