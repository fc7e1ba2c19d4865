import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { packageDir } from '../package-dir';
import type { CliIo } from './io';
import { palette } from './style';

/** The example config shipped inside the package (…/config next to package.json). */
export function bundledConfigDir(): string {
  return join(packageDir(), 'config');
}

/**
 * Where the config comes from: `--config`, else MAIL_AUTOCONF_CONFIG, else ./config, else the
 * example shipped with the package (so `mail-autoconf serve` works anywhere out of the box). The
 * last case is announced on stderr: an admin who forgot `--config` must not mistake the example's
 * domains for their own.
 */
export function resolveConfigDir(option: string | undefined, io: CliIo): { dir: string; bundled: boolean } {
  const chosen = option ?? io.env.MAIL_AUTOCONF_CONFIG;
  if (chosen) return { dir: resolve(io.cwd, chosen), bundled: false };
  const local = resolve(io.cwd, 'config');
  if (existsSync(local)) return { dir: local, bundled: false };
  const dir = bundledConfigDir();
  const { yellow, bold } = palette(io, 'stderr');
  io.stderr.write(
    `${yellow(bold('mail-autoconf: WARNING: using the bundled EXAMPLE config'))} (${dir}): no --config, ` +
      `no $MAIL_AUTOCONF_CONFIG and no ./config here. Its domains are examples, not yours: ` +
      `give your config directory with --config DIR.\n`,
  );
  return { dir, bundled: true };
}

/** A config directory as a person reads it: relative to the working directory when inside it. */
export function shownDir(dir: string, io: CliIo): string {
  const inside = relative(io.cwd, dir);
  if (inside === '') return 'the current directory';
  return inside.startsWith('..') || isAbsolute(inside) ? dir : inside;
}
