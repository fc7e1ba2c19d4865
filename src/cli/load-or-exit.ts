import { loadCatalogDir, type CatalogConfig } from '../catalog/load';
import { formatProblem, type ConfigProblem } from '../config/problems';
import { EXIT } from './exit-codes';
import { CliExit, type CliIo } from './io';
import { shownDir } from './config-dir';
import { palette } from './style';

/** Loads a config directory for a command; on errors prints every one and exits 1. */
export async function loadOrExit(
  dir: string,
  io: CliIo,
  options: { quietWarnings?: boolean; warningLimit?: number } = {},
): Promise<CatalogConfig> {
  let result;
  try {
    result = await loadCatalogDir(dir, {
      displayBase: io.cwd,
      ...(options.warningLimit !== undefined && { warningLimit: options.warningLimit }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliExit(EXIT.failed, `cannot read config directory ${dir}${code ? ` (${code})` : ''}`);
  }
  const { bold, red, yellow } = palette(io, 'stderr');
  const show = (problem: ConfigProblem) =>
    formatProblem(problem)
      .replace(/^\S+/, (where) => bold(where))
      .replace(' warning: ', ` ${yellow('warning:')} `);
  const warnings = result.ok ? result.config.warnings : result.warnings;
  const notShown = result.ok ? result.config.warningsNotShown : result.warningsNotShown;
  if (!options.quietWarnings) {
    for (const warning of warnings) io.stderr.write(`${show(warning)}\n`);
    if (notShown > 0) {
      io.stderr.write(`…and ${notShown} more warnings: \`mail-autoconf validate ${dir}\` lists them all\n`);
    }
  }
  if (!result.ok) {
    for (const error of result.errors) io.stderr.write(`${show(error)}\n`);
    throw new CliExit(
      EXIT.failed,
      red(`${result.errors.length} error${result.errors.length === 1 ? '' : 's'} in ${shownDir(dir, io)}`),
    );
  }
  return result.config;
}
