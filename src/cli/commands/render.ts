import { Option, type Command } from 'commander';
import { Snapshot } from '../../catalog/snapshot';
import { parseEmailAddress } from '../../core/address';
import { RENDER_FORMATS } from '../../endpoints/index';
import { resolveConfigDir } from '../config-dir';
import { CliExit, type CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';

export function registerRender(program: Command, io: CliIo): void {
  program
    .command('render')
    .description('print exactly the body the server would send a client for an address')
    .argument('<email>', 'the address a user would type')
    .addOption(
      new Option('--format <format>', 'answer to render')
        .choices(RENDER_FORMATS.map((choice) => choice.format))
        .default('autoconfig'),
    )
    .option('--config <dir>', 'config directory (default: $MAIL_AUTOCONF_CONFIG or ./config)')
    .action(async (email: string, options: { format: string; config?: string }) => {
      const parsed = parseEmailAddress(email);
      if (!parsed.ok) throw new CliExit(2, `not a valid email address: ${parsed.reason}`);
      const { dir } = resolveConfigDir(options.config, io);
      const config = await loadOrExit(dir, io, { quietWarnings: true });
      const snapshot = new Snapshot(config);
      if (!snapshot.settings(parsed.value.domain)) {
        throw new CliExit(1, `${parsed.value.domain} is not in the config at ${dir}`);
      }
      // Commander has checked the choice.
      const choice = RENDER_FORMATS.find((candidate) => candidate.format === options.format);
      if (!choice) throw new CliExit(2, `unknown format ${options.format}`);
      const answer = await choice.render(snapshot, email, new Date());
      io.stdout.write(answer.body);
      if (answer.meta.outcome !== 'ok') {
        throw new CliExit(
          1,
          `the server would answer this with "${answer.meta.outcome}" (HTTP ${answer.status})`,
        );
      }
    });
}
