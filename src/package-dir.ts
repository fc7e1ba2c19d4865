import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The directory of this package's package.json, found by walking up from the compiled or source
 * file, so files shipped beside it (`config/`, `assets/`) are found from `src/` (tests), from
 * `dist/src/` and from an installed package alike.
 */
export function packageDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dir;
}

/** The version in package.json: the one number `--version`, npm and the changelog share. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
