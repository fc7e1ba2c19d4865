import type { Terminal } from './terminal';

/** An output stream; `isTTY` is true when a person is likely reading it (colour, see style.ts). */
export interface CliStream {
  write(text: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
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

/**
 * Thrown by commands to end with an exit code (see exit-codes.ts) and a message, without a stack
 * trace. An empty message ends quietly, for a command that has already said why.
 */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
  }
}
