import type { Command } from 'commander';
import { resolveConfigDir } from '../config-dir';
import type { CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('check a config directory; print every error as file:line:col path: reason')
    .argument('[dir]', 'config directory (default: --config, $MAIL_AUTOCONF_CONFIG or ./config)')
    .option('--config <dir>', 'config directory')
    .action(async (dir: string | undefined, options: { config?: string }) => {
      const { dir: configDir } = resolveConfigDir(dir ?? options.config, io);
      const config = await loadOrExit(configDir, io);
      const names = config.domains.reduce((sum, d) => sum + 1 + d.aliases.length, 0);
      const warnings = config.warnings.length;
      io.stdout.write(
        `OK: ${config.domains.length} domain${config.domains.length === 1 ? '' : 's'} (${names} names with aliases) ` +
          `in ${config.files.length} file${config.files.length === 1 ? '' : 's'}` +
          `${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`,
      );
    });
}
