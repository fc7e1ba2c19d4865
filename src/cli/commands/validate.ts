import type { Command } from 'commander';
import { composeOnce } from '../../sources/compose-once';
import { resolveConfigDir } from '../config-dir';
import { CliExit, type CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function registerValidate(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check a config directory; print every error as file:line:col path: reason')
    .argument('[dir]', 'config directory (default: --config, $MAIL_AUTOCONF_CONFIG or ./config)')
    .option('--config <dir>', 'config directory')
    .option('--sources', 'also read the SQL sources and check every row')
    .action(async (dir: string | undefined, options: { config?: string; sources?: boolean }) => {
      const { dir: configDir } = resolveConfigDir(dir ?? options.config, io);
      const config = await loadOrExit(configDir, io);
      const names = config.domains.reduce((sum, d) => sum + 1 + d.aliases.length, 0);
      const warnings = config.warnings.length;
      io.stdout.write(
        `OK: ${plural(config.domains.length, 'domain')} (${names} names with aliases) ` +
          `in ${plural(config.files.length, 'file')}` +
          `${warnings ? `, ${plural(warnings, 'warning')}` : ''}\n`,
      );
      const sources = config.sources?.list.length ?? 0;
      if (sources === 0) return;
      if (!options.sources) {
        io.stdout.write(
          `${plural(sources, 'SQL source')} not read: \`validate --sources\` checks their rows too\n`,
        );
        return;
      }
      const composed = await composeOnce(config, io.env);
      for (const failure of composed.failures) io.stderr.write(`${failure}\n`);
      for (const problem of composed.problems) io.stderr.write(`${problem}\n`);
      for (const count of composed.counts) {
        io.stdout.write(
          `${count.label}: ${plural(count.rows, 'row')}, ${plural(count.domains, 'domain')} served\n`,
        );
      }
      const bad = composed.failures.length + composed.problems.length;
      if (bad > 0) {
        throw new CliExit(
          1,
          [
            composed.failures.length ? `${plural(composed.failures.length, 'source')} could not be read` : '',
            composed.problems.length ? `${plural(composed.problems.length, 'row')} with errors` : '',
          ]
            .filter(Boolean)
            .join(', '),
        );
      }
    });
}
