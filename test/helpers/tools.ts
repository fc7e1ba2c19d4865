import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

function hasTool(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/**
 * A describe block for tests that run a system tool (`npm run test:tools` installs them). A
 * missing tool fails the block with the package to install, instead of silently testing less.
 */
export function describeWithTools(
  tools: readonly (readonly [command: string, howToInstall: string])[],
  title: string,
  body: () => void,
): void {
  const missing = tools.filter(([command]) => !hasTool(command));
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const needs = missing.map(([command, how]) => `${command} (${how})`).join(', ');
  describe(title, () => {
    it('has the system tools it checks with', () => {
      throw new Error(`missing ${needs}; run \`npm run test:tools\``);
    });
  });
}

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runTool(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await execFileAsync(command, [...args], {
      ...options,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? String(error),
    };
  }
}

export { freePort, tempDir } from '../../scripts/throwaway-postgres';
