import { run } from '../../src/cli/run';
import { REPO_ROOT } from './example';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI in-process with captured output, from the repository root by default. */
export async function runCli(argv: readonly string[], cwd = REPO_ROOT): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text) => (stdout += String(text)) },
    stderr: { write: (text) => (stderr += String(text)) },
    env: {},
    cwd,
  });
  return { code, stdout, stderr };
}
