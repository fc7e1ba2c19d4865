import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  availableTool,
  generateLoad,
  pinned,
  type LoadResult,
  type LoadSpec,
  type LoadTool,
} from './bench-load';
import { sourceBench } from './bench-sources';
import { domainName, generateConfig } from './generate-config';
import { withUsage } from './script-args';

/**
 * `npm run bench`: the server against a bare node:http baseline, in the same run, interleaved, on
 * loopback; then the 100,000-domain scenario (validate, start, memory, reload under load). Prints a
 * table and writes everything to bench-results/. Ratios are the figures that count: on a shared
 * machine absolute numbers move with the neighbours, the ratio much less.
 */

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'bin', 'cli.js');
const BASELINE = join(ROOT, 'dist', 'scripts', 'bench-baseline.js');
const REPORT_RSS = join(ROOT, 'dist', 'scripts', 'report-rss.js');

const USAGE = `
usage: npm run bench -- [--rounds N] [--seconds S] [--connections C] [--domains N] [--source-rows N] [--tool autocannon|wrk] [--skip-ratio]

Benchmarks the server against a bare node:http baseline (interleaved rounds), then loads a generated
config of --domains domains, then a PostgreSQL with --source-rows domain rows (0 skips it). Writes bench-results/.`;

const { values: options } = withUsage(USAGE, (args) =>
  parseArgs({
    args,
    options: {
      rounds: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '50' },
      domains: { type: 'string', default: '100000' },
      'source-rows': { type: 'string', default: '100000' },
      tool: { type: 'string' },
      'skip-ratio': { type: 'boolean', default: false },
    },
  }),
);
const ROUNDS = Number(options.rounds);
const SECONDS = Number(options.seconds);
const CONNECTIONS = Number(options.connections);
const DOMAINS = Number(options.domains);
const TOOL: LoadTool = (options.tool as LoadTool | undefined) ?? availableTool();
/** Server on core 0, load generator on core 1, when there are two cores to give. */
const twoCores = cpus().length >= 2 && spawnWorks('taskset', ['-c', '0', 'true']);
const SERVER_CPU = twoCores ? 0 : undefined;
const LOAD_CPU = twoCores ? 1 : undefined;

function spawnWorks(command: string, args: string[]): boolean {
  try {
    return spawnSync(command, args).status === 0;
  } catch {
    return false;
  }
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- processes

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  /** Lines the process printed, kept for reading reload logs. */
  readonly lines: string[];
  readonly stderr: () => string;
}

/** Starts a process and waits for `ready(line)` on stdout to give the base URL. */
function start(args: string[], ready: (line: string) => string | undefined, pin = true): Promise<Started> {
  const [command, argv] = pinned(pin ? SERVER_CPU : undefined, process.execPath, args);
  const child = spawn(command, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let pending = '';
    let url: string | undefined;
    // Keep reading stdout for the whole run: a full pipe would block the server's log writes.
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (url === undefined && (url = ready(line)) !== undefined)
          resolve({ child, url, lines, stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      if (url === undefined) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

function startServer(configDir: string, pin = true, extra: readonly string[] = []): Promise<Started> {
  return start(
    ['-r', REPORT_RSS, CLI, 'serve', '--config', configDir, '--port', '0', ...extra],
    (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        return entry.msg === 'listening' ? entry.url : undefined;
      } catch {
        return undefined;
      }
    },
    pin,
  );
}

function startBaseline(answersFile: string, busyMicros = 0): Promise<Started> {
  return start([BASELINE, answersFile, '0', '--busy-micros', String(busyMicros)], (line) =>
    /^\d+$/.test(line) ? `http://127.0.0.1:${line}` : undefined,
  );
}

function stop(started: Started): Promise<number | undefined> {
  return new Promise((resolve) => {
    if (started.child.exitCode !== null) return resolve(peakRss(started));
    started.child.once('exit', () => resolve(peakRss(started)));
    started.child.kill('SIGTERM');
  });
}

function peakRss(started: Started): number | undefined {
  const kib = /peak-rss-kib (\d+)/.exec(started.stderr())?.[1];
  return kib === undefined ? undefined : Number(kib) / 1024;
}

/** Resident memory now, in MiB (Linux). The pid is taskset's, which execs into node. */
function rssMiB(child: ChildProcess): number | undefined {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** CPU seconds (user + system) a process has used so far (Linux), or NaN. */
function cpuSeconds(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

interface Measured extends LoadResult {
  /**
   * CPU time the server spent per answered request, in microseconds. Throughput on a shared
   * machine depends on what the neighbours do; CPU per request much less, so it backs the ratio.
   */
  readonly cpuMicros: number;
}

async function measure(target: Started, load: LoadSpec): Promise<Measured> {
  const before = cpuSeconds(target.child);
  const result = await generateLoad(TOOL, load, LOAD_CPU);
  const used = cpuSeconds(target.child) - before;
  return { ...result, cpuMicros: (used * 1e6) / result.requests };
}

/** Headers Node's http server writes by itself, so the baseline must not send them again. */
const NODE_WRITES = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function pairs(raw: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) result.push([raw[i] as string, raw[i + 1] as string]);
  return result;
}

function fetchStatus(
  url: string,
  init: { method?: string; body?: string; agent?: Agent; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; contentType: string; headers: [string, string][] }> {
  return new Promise((resolve, reject) => {
    const options = { method: init.method ?? 'GET', agent: init.agent, headers: init.headers ?? {} };
    const req = request(url, options, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          contentType: String(res.headers['content-type']),
          headers: pairs(res.rawHeaders).filter(([name]) => !NODE_WRITES.has(name.toLowerCase())),
        }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

// ---------------------------------------------------------------- scenarios

const POX_BODY =
  '<?xml version="1.0" encoding="utf-8"?>\n' +
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">' +
  '<Request><EMailAddress>alice@example.com</EMailAddress>' +
  '<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a' +
  '</AcceptableResponseSchema></Request></Autodiscover>';

interface Scenario {
  readonly name: string;
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The ratio the issue asks for, if any. */
  readonly target?: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'autoconfig GET',
    path: '/mail/config-v1.1.xml?emailaddress=alice%40example.com',
    headers: { Host: 'autoconfig.example.com' },
    target: 0.7,
  },
  {
    name: 'Autodiscover POST',
    path: '/autodiscover/autodiscover.xml',
    method: 'POST',
    headers: { Host: 'autodiscover.example.com', 'Content-Type': 'text/xml; charset=utf-8' },
    body: POX_BODY,
    target: 0.35,
  },
  {
    name: 'Autodiscover v2 JSON',
    path: '/autodiscover/autodiscover.json/v1.0/alice@example.com?Protocol=AutodiscoverV1',
    target: 0.5,
  },
  {
    name: 'unknown domain GET',
    path: '/mail/config-v1.1.xml?emailaddress=alice%40unknown.example',
    target: 0.7,
  },
];

const spec = (url: string, scenario: Scenario, seconds = SECONDS): LoadSpec => ({
  url: `${url}${scenario.path}`,
  connections: CONNECTIONS,
  seconds,
  ...(scenario.method && { method: scenario.method }),
  ...(scenario.headers && { headers: scenario.headers }),
  ...(scenario.body !== undefined && { body: scenario.body }),
});

/** The server as started by default, and hardened with a rate limit (high enough never to refuse). */
const MODES = [
  { name: 'default flags', args: [] as string[] },
  { name: '--rate-limit', args: ['--rate-limit', '1000000000'] },
] as const;
type Mode = (typeof MODES)[number]['name'];

/** Busy waits added to the baseline to show what each ratio leaves for the server's own work. */
const CALIBRATION_MICROS = [2, 5, 10] as const;

interface RoundResult {
  readonly round: number;
  readonly mode: Mode;
  readonly baseline: Measured;
  readonly server: Measured;
  readonly ratio: number;
  /** Baseline CPU per request over the server's: the throughput ratio on an otherwise idle core. */
  readonly cpuRatio: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

async function ratioBench(work: string) {
  const servers = new Map<Mode, Started>();
  for (const mode of MODES) servers.set(mode.name, await startServer(join(ROOT, 'config'), true, mode.args));
  const first = servers.get('default flags') as Started;
  // The baseline sends, for each scenario, the bytes the server sends for it.
  const canned: Record<string, { status: number; headers: [string, string][]; body: string }> = {};
  for (const scenario of SCENARIOS) {
    const answer = await fetchStatus(`${first.url}${scenario.path}`, {
      ...(scenario.method && { method: scenario.method }),
      ...(scenario.body !== undefined && { body: scenario.body }),
      ...(scenario.headers && { headers: scenario.headers }),
    });
    canned[`${scenario.method ?? 'GET'} ${scenario.path}`] = {
      status: answer.status,
      headers: answer.headers,
      body: answer.body,
    };
    log(`${scenario.name}: HTTP ${answer.status}, ${Buffer.byteLength(answer.body)} bytes`);
  }
  const answersFile = join(work, 'answers.json');
  writeFileSync(answersFile, JSON.stringify(canned));
  const baseline = await startBaseline(answersFile);
  // The yardstick with known work added: what a ratio means in CPU time per request here.
  const calibrated = new Map<number, Started>();
  for (const micros of CALIBRATION_MICROS) calibrated.set(micros, await startBaseline(answersFile, micros));
  const calibration: { micros: number; round: number; ratio: number; cpuMicros: number; p99: number }[] = [];
  const results: Record<string, RoundResult[]> = {};
  const key = (mode: Mode, scenario: Scenario) => `${mode}\n${scenario.name}`;
  try {
    log(`warm-up (${TOOL}, ${CONNECTIONS} connections)`);
    for (const scenario of SCENARIOS) {
      await generateLoad(TOOL, spec(baseline.url, scenario, 1), LOAD_CPU);
      for (const server of servers.values())
        await generateLoad(TOOL, spec(server.url, scenario, 2), LOAD_CPU);
    }
    for (const started of calibrated.values())
      await generateLoad(TOOL, spec(started.url, SCENARIOS[0] as Scenario, 1), LOAD_CPU);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        // Baseline, default and hardened server one after the other, the order rotating each round
        // so a neighbour's burst does not always hit the same one.
        const targets = [
          { mode: undefined, started: baseline },
          ...MODES.map((mode) => ({ mode: mode.name, started: servers.get(mode.name) as Started })),
        ];
        const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
        const measured = new Map<Mode | undefined, Measured>();
        for (const target of order)
          measured.set(target.mode, await measure(target.started, spec(target.started.url, scenario)));
        const base = measured.get(undefined) as Measured;
        if (scenario === SCENARIOS[0])
          for (const [micros, started] of calibrated) {
            const busy = await measure(started, spec(started.url, scenario));
            const ratio = busy.perSecond / base.perSecond;
            calibration.push({ micros, round, ratio, cpuMicros: busy.cpuMicros, p99: busy.p99 });
            log(
              `round ${round} ${scenario.name.padEnd(22)} baseline + ${micros} µs busy: ${fixed(busy.perSecond, 0)} req/s, ` +
                `ratio ${fixed(ratio)}, CPU/request ${fixed(busy.cpuMicros, 1)} µs, p99 ${fixed(busy.p99)} ms`,
            );
          }
        for (const mode of MODES) {
          const ours = measured.get(mode.name) as Measured;
          const ratio = ours.perSecond / base.perSecond;
          const cpuRatio = base.cpuMicros / ours.cpuMicros;
          (results[key(mode.name, scenario)] ??= []).push({
            round,
            mode: mode.name,
            baseline: base,
            server: ours,
            ratio,
            cpuRatio,
          });
          log(
            `round ${round} ${scenario.name.padEnd(22)} ${mode.name.padEnd(13)} ${fixed(ours.perSecond, 0).padStart(7)} req/s ` +
              `p50 ${fixed(ours.p50)} ms p99 ${fixed(ours.p99)} ms | baseline ${fixed(base.perSecond, 0).padStart(7)} req/s ` +
              `| ratio ${fixed(ratio)} | CPU/request ${fixed(ours.cpuMicros, 1)} vs ${fixed(base.cpuMicros, 1)} µs (${fixed(cpuRatio)})` +
              `${ours.errors ? ` | ${ours.errors} errors` : ''}${ours.non2xx ? ` | ${ours.non2xx} not 2xx` : ''}`,
          );
        }
      }
    }
  } finally {
    await Promise.all([
      ...[...servers.values()].map(stop),
      stop(baseline),
      ...[...calibrated.values()].map(stop),
    ]);
  }

  const summary = MODES.flatMap((mode) =>
    SCENARIOS.map((scenario) => {
      const rounds = results[key(mode.name, scenario)] ?? [];
      const ratios = rounds.map((r) => r.ratio);
      return {
        mode: mode.name,
        name: scenario.name,
        serverPerSecond: median(rounds.map((r) => r.server.perSecond)),
        baselinePerSecond: median(rounds.map((r) => r.baseline.perSecond)),
        ratio: median(ratios),
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
        cpuRatio: median(rounds.map((r) => r.cpuRatio)),
        serverCpuMicros: median(rounds.map((r) => r.server.cpuMicros)),
        baselineCpuMicros: median(rounds.map((r) => r.baseline.cpuMicros)),
        p50: median(rounds.map((r) => r.server.p50)),
        p99: median(rounds.map((r) => r.server.p99)),
        baselineP99: median(rounds.map((r) => r.baseline.p99)),
        errors: rounds.reduce((sum, r) => sum + r.server.errors, 0),
        ...(scenario.target !== undefined && { target: scenario.target }),
      };
    }),
  );
  log('');
  log(
    `mode           scenario                server req/s  baseline req/s  ratio (min–max)     CPU ratio  p50 ms  p99 ms  base p99  target`,
  );
  for (const row of summary) {
    const verdict =
      row.target === undefined
        ? ''
        : `${row.ratio >= row.target ? 'met' : 'MISSED'} ≥ ${row.target}×, p99 ${row.p99 < 5 ? 'met' : 'MISSED'} < 5 ms`;
    log(
      `${row.mode.padEnd(13)}  ${row.name.padEnd(22)}  ${fixed(row.serverPerSecond, 0).padStart(12)}  ${fixed(row.baselinePerSecond, 0).padStart(14)}  ` +
        `${fixed(row.ratio)} (${fixed(row.ratioMin)}–${fixed(row.ratioMax)})`.padEnd(20) +
        `${fixed(row.cpuRatio).padStart(9)}  ${fixed(row.p50).padStart(6)}  ${fixed(row.p99).padStart(6)}  ` +
        `${fixed(row.baselineP99).padStart(8)}  ${verdict}`,
    );
  }
  const calibrationSummary = CALIBRATION_MICROS.map((micros) => {
    const rows = calibration.filter((row) => row.micros === micros);
    return {
      micros,
      ratio: median(rows.map((row) => row.ratio)),
      cpuMicros: median(rows.map((row) => row.cpuMicros)),
      p99: median(rows.map((row) => row.p99)),
    };
  });
  log('');
  log(`what a ratio costs (${SCENARIOS[0]?.name}, bare node:http with a fixed busy wait per request):`);
  for (const row of calibrationSummary)
    log(
      `  + ${String(row.micros).padStart(2)} µs per request: ratio ${fixed(row.ratio)}, CPU/request ${fixed(row.cpuMicros, 1)} µs`,
    );
  return { summary, rounds: results, calibration: calibrationSummary };
}

// ---------------------------------------------------------------- 100k domains

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

async function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Not pinned: with no load generator running, the scheduler may pick the less busy core.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

async function scaleBench(work: string) {
  const dir = join(work, `config-${DOMAINS}`);
  for (const [path, text] of generateConfig(DOMAINS)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  log(`\n${DOMAINS} domains generated in ${dir}`);

  const [validate, validateSeconds] = await timed(() => runToEnd(['-r', REPORT_RSS, CLI, 'validate', dir]));
  if (validate.code !== 0) throw new Error(`validate failed: ${validate.stderr}`);
  const validateRss = Number(/peak-rss-kib (\d+)/.exec(validate.stderr)?.[1]) / 1024;
  const validateCpu = Number(/cpu-seconds ([\d.]+)/.exec(validate.stderr)?.[1]);
  log(
    `validate: ${fixed(validateSeconds)} s (${fixed(validateCpu)} s CPU), peak RSS ${fixed(validateRss, 0)} MiB — ${validate.stdout.trim()}`,
  );

  // Time to first answer: from spawning the process to the first 200 for a configured domain.
  const probe = `/mail/config-v1.1.xml?emailaddress=alice%40${domainName(DOMAINS - 1)}`;
  const [server, startSeconds] = await timed(async () => {
    const started = await startServer(dir, false);
    for (;;) {
      const res = await fetchStatus(`${started.url}${probe}`).catch(() => ({ status: 0 }));
      if (res.status === 200) return started;
      await sleep(10);
    }
  });
  const startRss = rssMiB(server.child);
  const startCpu = cpuSeconds(server.child);
  log(
    `serve: first answer after ${fixed(startSeconds)} s (${fixed(startCpu)} s CPU), RSS ${fixed(startRss ?? Number.NaN, 0)} MiB`,
  );
  // Started unpinned like validate; from here on it shares core 0 only with its own load.
  if (SERVER_CPU !== undefined)
    spawnSync('taskset', ['-p', '-c', String(SERVER_CPU), String(server.child.pid)]);

  try {
    // Every domain once: the prepared-answer cache must stay bounded.
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let next = 0;
    let failures = 0;
    const [, sweepSeconds] = await timed(() =>
      Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < DOMAINS) {
            const index = next++;
            const res = await fetchStatus(
              `${server.url}/mail/config-v1.1.xml?emailaddress=alice%40${domainName(index)}`,
              { agent },
            );
            if (res.status !== 200) failures++;
          }
        }),
      ),
    );
    agent.destroy();
    const sweepRss = rssMiB(server.child);
    log(
      `all ${DOMAINS} domains requested once in ${fixed(sweepSeconds, 1)} s (${failures} not 200), ` +
        `RSS after ${fixed(sweepRss ?? Number.NaN, 0)} MiB`,
    );

    // Reload under load: the same load without and with a SIGHUP in its middle.
    const hot: Scenario = { name: 'autoconfig GET, 100k config', path: probe };
    const loadSeconds = Math.max(SECONDS * 2, 10);
    const quiet = await generateLoad(TOOL, spec(server.url, hot, loadSeconds), LOAD_CPU);
    const before = server.lines.length;
    const loaded = generateLoad(TOOL, spec(server.url, hot, loadSeconds), LOAD_CPU);
    await sleep((loadSeconds * 1000) / 3);
    const hupAt = Date.now();
    server.child.kill('SIGHUP');
    const during = await loaded;
    const reloadLine = server.lines
      .slice(before)
      .map((line) => JSON.parse(line) as { msg?: string; time?: number })
      .find((entry) => entry.msg === 'config reloaded');
    const reloadSeconds = reloadLine?.time === undefined ? Number.NaN : (reloadLine.time - hupAt) / 1000;
    log(
      `load without reload: ${fixed(quiet.perSecond, 0)} req/s p50 ${fixed(quiet.p50)} ms p99 ${fixed(quiet.p99)} ms max ${fixed(quiet.max)} ms`,
    );
    log(
      `load with a reload:  ${fixed(during.perSecond, 0)} req/s p50 ${fixed(during.p50)} ms p99 ${fixed(during.p99)} ms max ${fixed(during.max)} ms, ` +
        `${during.errors} errors, ${during.non2xx} not 2xx; reload took ${fixed(reloadSeconds)} s` +
        (reloadLine ? '' : ' (no "config reloaded" line seen)'),
    );
    return {
      domains: DOMAINS,
      validate: {
        seconds: validateSeconds,
        cpuSeconds: validateCpu,
        peakRssMiB: validateRss,
        output: validate.stdout.trim(),
      },
      serve: { firstAnswerSeconds: startSeconds, cpuSeconds: startCpu, rssMiB: startRss },
      sweep: { seconds: sweepSeconds, failures, rssMiB: sweepRss },
      reload: { quiet, during, reloadSeconds },
    };
  } finally {
    const peak = await stop(server);
    log(`server peak RSS over the whole scale run: ${fixed(peak ?? Number.NaN, 0)} MiB`);
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'mail-autoconf-bench-'));
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg(),
    pinning: twoCores ? 'server and baseline on CPU 0, load generator on CPU 1 (taskset)' : 'none',
    tool: TOOL,
    connections: CONNECTIONS,
    seconds: SECONDS,
    rounds: ROUNDS,
  };
  log(
    `machine: ${machine.cpus}× ${machine.cpu}, ${machine.memoryGiB} GiB, node ${machine.node}, load ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  );
  log(`load generator: ${TOOL}; pinning: ${machine.pinning}`);
  try {
    const ratio = options['skip-ratio'] ? undefined : await ratioBench(work);
    const scale = DOMAINS > 0 ? await scaleBench(work) : undefined;
    const sourceRows = Number(options['source-rows']);
    const sources =
      sourceRows > 0
        ? await sourceBench({
            root: ROOT,
            work,
            rows: sourceRows,
            tool: TOOL,
            connections: CONNECTIONS,
            seconds: SECONDS,
            loadCpu: LOAD_CPU,
            log,
          })
        : undefined;
    const outDir = join(ROOT, 'bench-results');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ at: new Date().toISOString(), machine: { ...machine, loadAverageAtEnd: loadavg() }, ratio, scale, sources }, null, 2)}\n`,
    );
    log(`\nresults written to ${file}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
