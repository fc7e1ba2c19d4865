import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';

/** Debian packages of the tools some tests run; `.ci/setup.d` installs them. */
const PACKAGES: Record<string, string> = {
  xmllint: 'libxml2-utils',
  openssl: 'openssl',
  'rsvg-convert': 'librsvg2-bin',
  zbarimg: 'zbar-tools',
};

/** Runs a system tool; when it is not installed, fails with the package to install instead of ENOENT. */
export function runTool(tool: string, args: readonly string[], options: ExecFileSyncOptions = {}): Buffer {
  try {
    return execFileSync(tool, args, options) as Buffer;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `${tool} is not installed: install the Debian package ${PACKAGES[tool] ?? tool} (see .ci/setup.d)`,
      );
    }
    throw error;
  }
}
