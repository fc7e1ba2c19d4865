import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageDir } from '../package-dir';
import type { CliIo } from './io';

/** The example config shipped inside the package (…/config next to package.json). */
export function bundledConfigDir(): string {
  return join(packageDir(), 'config');
}

/**
 * Where the config comes from: `--config`, else MAIL_AUTOCONF_CONFIG, else ./config, else the
 * example shipped with the package (so `mail-autoconf serve` works anywhere out of the box).
 */
export function resolveConfigDir(option: string | undefined, io: CliIo): { dir: string; bundled: boolean } {
  const chosen = option ?? io.env.MAIL_AUTOCONF_CONFIG;
  if (chosen) return { dir: resolve(io.cwd, chosen), bundled: false };
  const local = resolve(io.cwd, 'config');
  if (existsSync(local)) return { dir: local, bundled: false };
  return { dir: bundledConfigDir(), bundled: true };
}
