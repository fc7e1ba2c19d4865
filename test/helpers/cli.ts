import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { run } from '../../src/cli/run';
import { REPO_ROOT } from './example';

export const CLI = join(REPO_ROOT, 'dist', 'src', 'bin', 'cli.js');

/** Runs the CLI in-process with captured output. */
export async function runCli(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text) => (stdout += String(Buffer.isBuffer(text) ? text.toString('utf8') : text)) },
    stderr: { write: (text) => (stderr += String(text)) },
    env: options.env ?? {},
    cwd: options.cwd ?? REPO_ROOT,
  });
  return { code, stdout, stderr };
}

/** Runs the compiled `mail-autoconf` command as a real process and waits for it to exit. */
export function runCommand(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...argv], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `mail-autoconf serve` on a free loopback port and resolves once it listens. */
export async function startServe(
  argv: string[] = [],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{
  child: ChildProcess;
  url: string;
  logs: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...argv], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 10_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening:\n${out}`));
    });
  });
  return {
    child,
    url,
    logs: () => out,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
