import type { Terminal } from './terminal';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string | Uint8Array): unknown };
  readonly stderr: { write(text: string | Uint8Array): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT); only `serve` waits for it. */
  readonly waitForStop?: () => Promise<string>;
  /**
   * A buffered destination for the server's log (standard output), flushed on demand and at exit;
   * without it `serve` writes each line to `stdout` as it comes.
   */
  readonly logDestination?: () => { write(line: string): unknown; flush(): unknown };
  /** Calls back on SIGHUP; only `serve` uses it. */
  readonly onReloadSignal?: (listener: () => void) => void;
  /** Present when a person sits at a terminal to answer questions (`init`). */
  readonly terminal?: Terminal;
}

/** Thrown by commands to end with an exit code and a message, without a stack trace. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
  }
}
