import { connect, type Socket } from 'node:net';
import request from 'supertest';
import { run } from '../../../src/cli/run';
import { parseListenAddress } from '../../../src/server/listen-address';
import { parseTrustProxy } from '../../../src/server/trust-proxy';
import { EXAMPLE_CONFIG_DIR } from '../../helpers/example';

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

  it.each(['10.0.0.0/33', '::1/129', 'proxy.example', '10.0.0.1/8/1', '1.2.3'])('refuses %j', (value) => {
    expect(parseTrustProxy(value)).toEqual({ error: expect.stringContaining('invalid trust proxy entry') });
  });
});

describe('security review #13: trust proxy refuses "every address" in any spelling', () => {
  it.each([
    'true',
    'TRUE',
    'all',
    '*',
    '0.0.0.0/0',
    '::/0',
    '0.0.0.0/0,::/0',
    '0.0.0.0/1,128.0.0.0/1',
    '10.0.0.0/7',
    '::ffff:0.0.0.0/96',
    '::ffff:10.0.0.0/100',
    '::/80',
    '8000::/1',
    'loopback, 0.0.0.0/0',
    '3',
    '100',
  ])('refuses %j unless explicitly allowed', (value) => {
    expect(parseTrustProxy(value)).toEqual({
      error: expect.stringContaining('--allow-broad-trust-proxy') as string,
    });
    expect(parseTrustProxy(value, { allowBroad: true })).not.toHaveProperty('error');
  });

  it.each([
    ['2', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['::ffff:10.0.0.0/104', ['::ffff:10.0.0.0/104']],
    ['fd00::/8', ['fd00::/8']],
    ['2001:db8::/32', ['2001:db8::/32']],
    ['192.0.2.7', ['192.0.2.7']],
  ])('accepts the narrow %j', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  it('"all" means every IPv4 and IPv6 address once allowed', () => {
    expect(parseTrustProxy('all', { allowBroad: true })).toBe(true);
    expect(parseTrustProxy('0.0.0.0/0,::/0', { allowBroad: true })).toBe(true);
  });
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
    [['--trust-proxy', 'true'], {}, 'trust proxy "true" trusts every address'],
    [['--trust-proxy', '0.0.0.0/0'], {}, 'trust proxy range "0.0.0.0/0" is too broad'],
    [[], { MAIL_AUTOCONF_TRUST_PROXY: '::/0' }, 'trust proxy range "::/0" is too broad'],
    [['--trust-proxy', '5'], {}, 'trust proxy hop count 5 is more than 2'],
    [[], { MAIL_AUTOCONF_TRUST_PROXY: '300.1.1.1' }, 'invalid trust proxy entry "300.1.1.1"'],
    [['--rate-limit', '0'], {}, 'invalid rate limit: 0'],
    [[], { MAIL_AUTOCONF_RATE_LIMIT: 'lots' }, 'invalid rate limit: lots'],
    [['--metrics-listen', '9464'], {}, 'invalid metrics listen address: 9464'],
    [['--shutdown-grace', '-1'], {}, 'invalid shutdown grace: -1'],
    [['--log-level', 'loud'], {}, 'invalid log level: loud'],
    [['--max-connections', '0'], {}, 'invalid max connections: 0'],
    [[], { MAIL_AUTOCONF_MAX_CONNECTIONS: 'many' }, 'invalid max connections: many'],
    [[], { MAIL_AUTOCONF_LOG_USER_HASH_KEY: 'short' }, 'MAIL_AUTOCONF_LOG_USER_HASH_KEY must be at least 16'],
  ])('%j %j', async (args, env, message) => {
    const { code, stderr } = await serve(args as string[], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

/** Runs serve until `probe` has seen the listening server, and returns the probe's result. */
async function whileServing<T>(
  args: string[],
  env: Record<string, string>,
  probe: (url: string) => Promise<T>,
) {
  let stdout = '';
  let result: T | undefined;
  const code = await run(['serve', '--port', '0', '--config', EXAMPLE_CONFIG_DIR, ...args], {
    stdout: { write: (text) => (stdout += String(text)) },
    stderr: { write: () => true },
    env,
    cwd: process.cwd(),
    waitForStop: async () => {
      const listening = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string; url: string; maxConnections: number })
        .find((line) => line.msg === 'listening');
      if (!listening) throw new Error(`no listening line in ${stdout}`);
      result = await probe(listening.url);
      return 'SIGTERM';
    },
  });
  expect(code).toBe(0);
  return { result: result as T, stdout };
}

describe('security review #3: serve takes the connection limit from --max-connections or the environment', () => {
  /** Opens `count` idle connections and reports which of them the server closed at once. */
  async function closedOnArrival(url: string, count: number): Promise<boolean[]> {
    const { hostname, port } = new URL(url);
    const sockets = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(Number(port), hostname, () => resolve(socket));
            socket.on('error', reject);
          }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closed = sockets.map((socket) => socket.readableEnded || socket.destroyed);
    for (const socket of sockets) socket.destroy();
    return closed;
  }

  it.each([
    [['--max-connections', '2'], {}],
    [[], { MAIL_AUTOCONF_MAX_CONNECTIONS: '2' }],
  ])('%j %j', async (args, env) => {
    const { result, stdout } = await whileServing(args, env as Record<string, string>, (url) =>
      closedOnArrival(url, 4),
    );
    expect(result.filter(Boolean)).toHaveLength(2);
    expect(stdout).toContain('"maxConnections":2');
  });

  it('defaults to 1000', async () => {
    const { result, stdout } = await whileServing([], {}, (url) => closedOnArrival(url, 4));
    expect(result.filter(Boolean)).toHaveLength(0);
    expect(stdout).toContain('"maxConnections":1000');
  });
});

describe('security review #13: --allow-broad-trust-proxy lets a broad trust proxy through', () => {
  it.each([
    [['--trust-proxy', '0.0.0.0/0,::/0', '--allow-broad-trust-proxy'], {}],
    [[], { MAIL_AUTOCONF_TRUST_PROXY: 'all', MAIL_AUTOCONF_ALLOW_BROAD_TRUST_PROXY: '1' }],
  ])('%j %j', async (args, env) => {
    const { result, stdout } = await whileServing(args, env as Record<string, string>, async (url) =>
      request(url).get('/healthz'),
    );
    expect(result.status).toBe(200);
    expect(stdout).toContain('"trustProxy":true');
  });

  it('a hop count is accepted with a warning in the log', async () => {
    const { stdout } = await whileServing(['--trust-proxy', '1'], {}, () => Promise.resolve());
    expect(stdout).toContain('a trust proxy hop count believes X-Forwarded-For from whatever connects');
  });
});
