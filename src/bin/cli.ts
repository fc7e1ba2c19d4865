#!/usr/bin/env node
import pino from 'pino';
import { LineBatch } from '../cli/line-batch';
import { run } from '../cli/run';
import { processTerminal } from '../cli/terminal';

// The only place that touches the process: signals, exit code, real streams.
const waitForStop = () =>
  new Promise<string>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
  });

// Questions go to standard error, so that standard output can be piped.
const terminal = processTerminal(process.stdin, process.stderr);

run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  waitForStop,
  logDestination: () => {
    // Asynchronous and batched. pino flushes its destination when the process exits; the batch
    // in front of it must hand over its lines first, so its handlers are registered before it.
    const drain = () => batch.drain();
    process.on('beforeExit', drain);
    process.on('exit', drain);
    const destination = pino.destination({ dest: 1, sync: false, minLength: 4096, contentMode: 'buffer' });
    const batch = new LineBatch({
      // In buffer mode the destination takes Buffers; its type declares strings only.
      write: (bytes) => destination.write(bytes as unknown as string),
      flush: () => destination.flush(),
      flushSync: () => destination.flushSync(),
    });
    return batch;
  },
  onReloadSignal: (listener) => process.on('SIGHUP', listener),
  ...(terminal && { terminal }),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mail-autoconf: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
