import { Option, type Command } from 'commander';
import { Snapshot } from '../../catalog/snapshot';
import { parseEmailAddress } from '../../core/address';
import { RENDER_FORMATS } from '../../endpoints/index';
import { resolveConfigDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { loadWithSourcesOrExit } from '../load-with-sources';

/** Bodies that are text: printed with a final newline unless --raw asks for the exact bytes. */
const TEXT_TYPE = /^(text\/|application\/(json|xml)\b)/;

export function registerRender(program: Command, io: CliIo): void {
  program
    .command('render')
    .description(
      'print the body the server would send a client for an address (exit 0 whenever it answers, ' +
        'also with an error document such as "unsupported"; the answer\'s status goes to stderr)',
    )
    .argument('<email>', 'the address a user would type')
    .addOption(
      new Option('--format <format>', 'answer to render')
        .choices(RENDER_FORMATS.map((choice) => choice.format))
        .default('autoconfig'),
    )
    .option('--raw', 'the exact bytes of the body, without the final newline added to text answers')
    .option('--config <dir>', 'config directory (default: $MAIL_AUTOCONF_CONFIG or ./config)')
    .action(async (email: string, options: { format: string; raw?: boolean; config?: string }) => {
      const parsed = parseEmailAddress(email);
      if (!parsed.ok) throw new CliExit(EXIT.usage, `not a valid email address: ${parsed.reason}`);
      const { dir } = resolveConfigDir(options.config, io);
      const { config } = await loadWithSourcesOrExit(dir, io, { quietWarnings: true });
      const snapshot = new Snapshot(config);
      if (!snapshot.settings(parsed.value.domain)) {
        throw new CliExit(EXIT.usage, `${parsed.value.domain} is not in the config at ${dir}`);
      }
      // Commander has checked the choice.
      const choice = RENDER_FORMATS.find((candidate) => candidate.format === options.format);
      if (!choice) throw new CliExit(EXIT.usage, `unknown format ${options.format}`);
      const answer = await choice.render(snapshot, email, new Date());
      io.stdout.write(answer.body);
      const text = TEXT_TYPE.test(answer.headers['Content-Type'] ?? '');
      if (text && !options.raw && answer.body.at(-1) !== 0x0a) io.stdout.write('\n');
      // Rendering an error document is a correct answer, not a failure of the command: say which.
      if (answer.meta.outcome !== 'ok') {
        io.stderr.write(
          `mail-autoconf: note: the server answers this with "${answer.meta.outcome}" (HTTP ${answer.status})\n`,
        );
      }
    });
}
