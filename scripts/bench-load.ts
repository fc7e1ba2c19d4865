import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Load generators for the benchmark, each run as its own process (pinned to its own core when the
 * machine has two) so the generator never competes with the server inside one event loop. wrk is
 * used when installed: it is written in C and needs less CPU per request than autocannon, so on a
 * small machine it saturates the server rather than itself. autocannon (an npm dependency) is the
 * fallback that works on any fresh clone.
 */

export type LoadTool = 'wrk' | 'autocannon';

export interface LoadSpec {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  /** Latencies in milliseconds. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly non2xx: number;
}

export function availableTool(): LoadTool {
  return spawnSync('wrk', ['--version']).error === undefined ? 'wrk' : 'autocannon';
}

/** `taskset -c CPU` when there are two cores to separate; otherwise nothing. */
export function pinned(cpu: number | undefined, command: string, args: string[]): [string, string[]] {
  if (cpu === undefined) return [command, args];
  return ['taskset', ['-c', String(cpu), command, ...args]];
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err.trim()}`)),
    );
  });
}

export async function generateLoad(tool: LoadTool, spec: LoadSpec, cpu?: number): Promise<LoadResult> {
  return tool === 'wrk' ? wrk(spec, cpu) : autocannon(spec, cpu);
}

async function autocannon(spec: LoadSpec, cpu?: number): Promise<LoadResult> {
  const args = [
    require.resolve('autocannon/autocannon.js'),
    '--json',
    '-c',
    String(spec.connections),
    '-d',
    String(spec.seconds),
    '-m',
    spec.method ?? 'GET',
  ];
  for (const [name, value] of Object.entries(spec.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (spec.body !== undefined) args.push('-b', spec.body);
  args.push(spec.url);
  const [command, argv] = pinned(cpu, process.execPath, args);
  const report = JSON.parse(await run(command, argv)) as {
    requests: { total: number };
    latency: { p50: number; p99: number; max: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    start: string;
    finish: string;
  };
  const seconds = (Date.parse(report.finish) - Date.parse(report.start)) / 1000;
  return {
    requests: report.requests.total,
    perSecond: report.requests.total / seconds,
    p50: report.latency.p50,
    p99: report.latency.p99,
    max: report.latency.max,
    errors: report.errors + report.timeouts,
    non2xx: report.non2xx,
  };
}

let luaDir: string | undefined;

async function wrk(spec: LoadSpec, cpu?: number): Promise<LoadResult> {
  luaDir ??= mkdtempSync(join(tmpdir(), 'mail-autoconf-wrk-'));
  const script = join(luaDir, `request-${Math.random().toString(36).slice(2)}.lua`);
  const lines = [`wrk.method = ${JSON.stringify(spec.method ?? 'GET')}`];
  for (const [name, value] of Object.entries(spec.headers ?? {}))
    lines.push(`wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
  if (spec.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(spec.body)}`);
  writeFileSync(script, `${lines.join('\n')}\n`);
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.seconds}s`, '--latency', '-s', script, spec.url];
  const [command, argv] = pinned(cpu, 'wrk', args);
  return parseWrk(await run(command, argv));
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  return match ? Number(match[1]) * (UNIT_MS[match[2] as string] as number) : Number.NaN;
}

export function parseWrk(output: string): LoadResult {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests: number(/(\d+) requests in/),
    perSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50: duration(/^\s+50%\s+(\S+)/m.exec(output)?.[1]),
    p99: duration(/^\s+99%\s+(\S+)/m.exec(output)?.[1]),
    max: duration(/^\s+Latency\s+\S+\s+\S+\s+(\S+)/m.exec(output)?.[1]),
    errors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
  };
}
