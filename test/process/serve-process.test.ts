import { connect } from 'node:net';
import request from 'supertest';
import { TempConfigDir } from '../helpers/config-dir';
import { buildCli, ServeProcess } from '../helpers/serve-process';

let cli: string;
let config: TempConfigDir;
let serve: ServeProcess | undefined;

beforeAll(() => {
  cli = buildCli();
}, 60_000);

beforeEach(() => {
  config = new TempConfigDir();
});

afterEach(async () => {
  await serve?.stop();
  serve = undefined;
  config.remove();
});

const FRESH = '/mail/config-v1.1.xml?emailaddress=a%40fresh.example';
const ALICE = '/mail/config-v1.1.xml?emailaddress=alice%40example.com';

/** good → broken → still serving good → fixed → new config, whatever triggers the reloads. */
async function reloadCycle(process: ServeProcess, trigger: () => void): Promise<void> {
  const url = await process.url();
  await request(url).get(ALICE).expect(200);
  await request(url).get(FRESH).expect(404);

  let mark = process.lines.length;
  config.breakIt();
  trigger();
  const failed = await process.waitFor((line) => String(line.msg).startsWith('config reload failed'), mark);
  expect(failed.errors).toEqual([
    expect.stringMatching(/^domains\/broken\.yaml:2:\d+ incoming\[0\]\.port: expected at most 65535/),
  ]);
  await request(url).get(ALICE).expect(200);
  await request(url).get(FRESH).expect(404);
  const ready = await request(url).get('/readyz').expect(200);
  expect(ready.body).toMatchObject({ status: 'ready', generation: 1, lastReload: { ok: false } });
  expect((await request(url).get('/metrics')).text).toMatch(/^mail_autoconf_config_last_reload_success 0$/m);

  mark = process.lines.length;
  config.fixWithNewDomain();
  trigger();
  const reloaded = await process.waitFor((line) => line.msg === 'config reloaded', mark);
  expect(reloaded).toMatchObject({ generation: 2, domains: 3 });
  await request(url).get(FRESH).expect(200);
  await request(url).get(ALICE).expect(200);
  const after = await request(url).get('/readyz').expect(200);
  expect(after.body).toMatchObject({ generation: 2, lastReload: { ok: true, errors: [] } });
  const metrics = (await request(url).get('/metrics')).text;
  expect(metrics).toMatch(/^mail_autoconf_config_last_reload_success 1$/m);
  expect(metrics).toMatch(/^mail_autoconf_config_generation 2$/m);
}

async function expectCleanExit(process: ServeProcess): Promise<void> {
  process.signal('SIGTERM');
  expect(await process.exited).toEqual({ code: 0, signal: null });
  expect(process.lines.at(-1)).toMatchObject({ msg: 'stopped' });
}

describe('mail-autoconf serve as a process', () => {
  it('reloads on SIGHUP, keeps the last good config when the new one is broken, and says why', async () => {
    serve = new ServeProcess(cli, ['--config', config.dir]);
    await reloadCycle(serve, () => serve?.signal('SIGHUP'));
    expect(serve.lines.filter((line) => line.trigger === 'SIGHUP' && line.level !== 40)).toHaveLength(2);
    await expectCleanExit(serve);
  });

  it('with --watch, reloads by itself when a YAML file changes', async () => {
    serve = new ServeProcess(cli, ['--config', config.dir, '--watch', '--watch-debounce', '100']);
    await reloadCycle(serve, () => undefined);
    expect(serve.lines.filter((line) => line.trigger === 'watch').length).toBeGreaterThanOrEqual(2);
    await expectCleanExit(serve);
  });

  it('logs requests without the Authorization header or the address', async () => {
    serve = new ServeProcess(cli, ['--config', config.dir]);
    const url = await serve.url();
    await request(url).get(ALICE).set('Authorization', 'Basic YWxpY2U6czNjcjN0').expect(200);
    const line = await serve.waitFor((l) => l.msg === 'request');
    expect(line).toMatchObject({ protocol: 'autoconfig', outcome: 'ok', domain: 'example.com', status: 200 });
    await expectCleanExit(serve);
    expect(serve.stdout).not.toMatch(/YWxpY2U6czNjcjN0|alice|authorization/i);
  });

  it('writes every request line (they are batched) before it exits, in order', async () => {
    serve = new ServeProcess(cli, ['--config', config.dir]);
    const url = await serve.url();
    for (let i = 0; i < 30; i++) await request(url).get(ALICE).set('User-Agent', `batch ${i}`).expect(200);
    await expectCleanExit(serve);
    const agents = serve.lines.filter((line) => line.msg === 'request').map((line) => line.userAgent);
    expect(agents).toEqual(Array.from({ length: 30 }, (_, i) => `batch ${i}`));
    const messages = serve.lines.map((line) => line.msg);
    expect(messages.lastIndexOf('request')).toBeLessThan(messages.indexOf('stopped'));
  });

  it('on SIGTERM stops accepting, finishes the request in flight, and exits 0', async () => {
    serve = new ServeProcess(cli, ['--config', config.dir]);
    const { hostname, port } = new URL(await serve.url());
    const body = Buffer.from(
      '<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>',
    );
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      `POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.subarray(0, 100));
    // Give the server time to read the headers: only then is the request in flight (a connection
    // that has sent nothing complete yet counts as idle and is closed at once).
    await new Promise((resolve) => setTimeout(resolve, 300));

    const mark = serve.lines.length;
    serve.signal('SIGTERM');
    await serve.waitFor((line) => String(line.msg).startsWith('shutting down'), mark);
    // New connections are refused while the old one is still being served.
    await expect(
      new Promise((resolve, reject) => {
        const probe = connect(Number(port), hostname, () => resolve('connected'));
        probe.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code)));
      }),
    ).rejects.toThrow('ECONNREFUSED');

    // The rest of the body trickles in after the signal.
    for (let offset = 100; offset < body.length; offset += 100) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.write(body.subarray(offset, offset + 100));
    }
    const exit = await serve.exited;
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toContain('<LoginName>alice@example.com</LoginName>');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(serve.lines.at(-1)).toMatchObject({ msg: 'stopped' });
  });

  it('after the shutdown grace, cuts requests that do not finish and still exits 0', async () => {
    serve = new ServeProcess(cli, ['--config', config.dir, '--shutdown-grace', '1']);
    const { hostname, port } = new URL(await serve.url());
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.on('error', () => undefined);
    socket.write(
      'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 300\r\n\r\n<Auto',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    serve.signal('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    socket.destroy();
  });
});
