import { run } from '../../../src/cli/run';
import { parseListenAddress } from '../../../src/server/listen-address';
import { parseTrustProxy } from '../../../src/server/trust-proxy';

describe('parseTrustProxy', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['none', false],
    ['0', false],
    ['1', 1],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.0.2.7 ,fd00::/8,uniquelocal', ['10.0.0.0/8', '192.0.2.7', 'fd00::/8', 'uniquelocal']],
  ])('reads %j', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  it.each(['true', '*', '10.0.0.0/33', '::1/129', 'proxy.example', '10.0.0.1/8/1', '1.2.3'])(
    'refuses %j',
    (value) => {
      expect(parseTrustProxy(value)).toEqual({ error: expect.stringContaining('invalid trust proxy entry') });
    },
  );
});

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    [':9464', { host: '0.0.0.0', port: 9464 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['metrics.internal:0', { host: 'metrics.internal', port: 0 }],
  ])('reads %s', (value, expected) => {
    expect(parseListenAddress(value)).toEqual(expected);
  });

  it.each(['9464', '127.0.0.1', '127.0.0.1:70000', '[nope]:1', '::1:9464'])('refuses %s', (value) => {
    expect(parseListenAddress(value)).toBeUndefined();
  });
});

describe('serve refuses bad settings before starting', () => {
  async function serve(args: string[], env: Record<string, string> = {}) {
    let stderr = '';
    const code = await run(['serve', ...args], {
      stdout: { write: () => true },
      stderr: { write: (text) => (stderr += String(text)) },
      env,
      cwd: process.cwd(),
    });
    return { code, stderr };
  }

  it.each([
    [['--trust-proxy', 'true'], {}, 'invalid trust proxy entry "true"'],
    [[], { MAIL_AUTOCONF_TRUST_PROXY: '300.1.1.1' }, 'invalid trust proxy entry "300.1.1.1"'],
    [['--rate-limit', '0'], {}, 'invalid rate limit: 0'],
    [[], { MAIL_AUTOCONF_RATE_LIMIT: 'lots' }, 'invalid rate limit: lots'],
    [['--metrics-listen', '9464'], {}, 'invalid metrics listen address: 9464'],
    [['--shutdown-grace', '-1'], {}, 'invalid shutdown grace: -1'],
    [['--log-level', 'loud'], {}, 'invalid log level: loud'],
    [[], { MAIL_AUTOCONF_LOG_USER_HASH_KEY: 'short' }, 'MAIL_AUTOCONF_LOG_USER_HASH_KEY must be at least 16'],
  ])('%j %j', async (args, env, message) => {
    const { code, stderr } = await serve(args as string[], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
