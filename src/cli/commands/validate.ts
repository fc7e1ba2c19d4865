import type { Command } from 'commander';
import { clientRecordGaps } from '../client-records';
import { resolveConfigDir, shownDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';
import { palette } from '../style';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('check a config directory; print every error as file:line:col path: reason')
    .argument('[dir]', 'config directory (default: --config, $MAIL_AUTOCONF_CONFIG or ./config)')
    .option('--config <dir>', 'config directory')
    .option(
      '--strict',
      'treat warnings as errors (exit 1), e.g. DNS records clients need that cannot be generated',
    )
    .action(async (dir: string | undefined, options: { config?: string; strict?: boolean }) => {
      const { dir: configDir, bundled } = resolveConfigDir(dir ?? options.config, io);
      const config = await loadOrExit(configDir, io);
      const { yellow } = palette(io, 'stderr');
      const gaps = clientRecordGaps(config);
      for (const gap of gaps) io.stderr.write(`${yellow('warning:')} ${gap}\n`);
      const warnings = config.warnings.length + gaps.length;
      const names = config.domains.reduce((sum, d) => sum + 1 + d.aliases.length, 0);
      const summary =
        `${plural(config.domains.length, 'domain')} (${names} names with aliases) in ` +
        `${plural(config.files.length, 'file')} of ${shownDir(configDir, io)}` +
        `${bundled ? ' (the bundled example)' : ''}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
      if (options.strict && warnings > 0)
        throw new CliExit(EXIT.failed, `${summary}; --strict treats warnings as errors`);
      io.stdout.write(`${palette(io, 'stdout').green('OK')}: ${summary}\n`);
    });
}
