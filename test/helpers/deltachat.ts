import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { tempDir } from './tools';

/**
 * The official Delta Chat core JSON-RPC server (the npm package @deltachat/stdio-rpc-server-<platform>),
 * which `npm run test:tools` puts on the PATH (.ci/setup.d/55-deltachat.sh).
 */
export const DELTACHAT_RPC_SERVER = 'deltachat-rpc-server';

export interface DeltaChat {
  call<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
  /** Info and warning events (the core's log), for failure messages. */
  readonly log: string[];
  stop(): Promise<void>;
}

/**
 * Runs the Delta Chat core as a real process with its own accounts directory and speaks JSON-RPC
 * to it over stdio, as the Delta Chat apps do.
 */
export function startDeltaChat(env: Record<string, string> = {}): DeltaChat {
  const accounts = tempDir('deltachat');
  const child: ChildProcess = spawn(DELTACHAT_RPC_SERVER, [], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: accounts.path,
      DC_ACCOUNTS_PATH: join(accounts.path, 'accounts'),
      RUST_LOG: 'info',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`deltachat-rpc-server exited\n${log.join('')}`));
    pending.clear();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: unknown;
    };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    if (message.id === undefined) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  const call = <T>(method: string, params: readonly unknown[] = []) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.stdin?.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  // Drain the event queue into the log, so that failures say what the core tried.
  let stopping = false;
  const pump = async () => {
    while (!stopping) {
      try {
        const event = await call<{
          contextId: number;
          event: { kind: string; msg?: string; comment?: string };
        }>('get_next_event');
        const { kind, msg, comment } = event.event;
        if (kind === 'Info' || kind === 'Warning' || kind === 'Error' || kind === 'ConfigureProgress')
          log.push(`${kind}: ${msg ?? comment ?? ''}\n`);
      } catch {
        return;
      }
    }
  };
  void pump();
  return {
    call,
    log,
    async stop() {
      stopping = true;
      child.stdin?.end();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      accounts.remove();
    },
  };
}
