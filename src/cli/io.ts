/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string | Uint8Array): unknown };
  readonly stderr: { write(text: string | Uint8Array): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT); only `serve` waits for it. */
  readonly waitForStop?: () => Promise<string>;
  /** Calls back on SIGHUP; only `serve` uses it. */
  readonly onReloadSignal?: (listener: () => void) => void;
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
