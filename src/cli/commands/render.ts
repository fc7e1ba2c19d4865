import { Option, type Command } from 'commander';
import { parseEmailAddress } from '../../core/address';
import { answerAutoconfig, answerAutodiscoverPost, type Answer } from '../../service/answers';
import { answerMobileconfig } from '../../service/apple-answers';
import { answerAutodiscoverJson } from '../../service/autodiscover-json-answers';
import { Snapshot } from '../../service/snapshot';
import { poxRequest } from '../../protocols/pox-client-request';
import { resolveConfigDir } from '../config-dir';
import { CliExit, type CliIo } from '../io';
import { loadWithSourcesOrExit } from '../load-with-sources';

/** The request a client would send for `address`, answered by the same code the server runs. */
export const RENDER_FORMATS: Record<string, (snapshot: Snapshot, address: string) => Answer> = {
  autoconfig: (snapshot, address) => answerAutoconfig(snapshot, { emailaddress: address, host: undefined }),
  autodiscover: (snapshot, address) =>
    answerAutodiscoverPost(snapshot, { body: poxRequest(address, 'outlook'), now: new Date() }),
  mobilesync: (snapshot, address) =>
    answerAutodiscoverPost(snapshot, { body: poxRequest(address, 'mobilesync'), now: new Date() }),
  'autodiscover-json': (snapshot, address) =>
    answerAutodiscoverJson(snapshot, { address, protocol: 'AutodiscoverV1' }),
  'autodiscover-json-activesync': (snapshot, address) =>
    answerAutodiscoverJson(snapshot, { address, protocol: 'ActiveSync' }),
  mobileconfig: (snapshot, address) =>
    answerMobileconfig(snapshot, { emailaddress: address, now: new Date() }),
};

export function registerRender(program: Command, io: CliIo): void {
  program
    .command('render')
    .description('print exactly the body the server would send a client for an address')
    .argument('<email>', 'the address a user would type')
    .addOption(
      new Option('--format <format>', 'answer to render')
        .choices(Object.keys(RENDER_FORMATS))
        .default('autoconfig'),
    )
    .option('--config <dir>', 'config directory (default: $MAIL_AUTOCONF_CONFIG or ./config)')
    .action(async (email: string, options: { format: string; config?: string }) => {
      const parsed = parseEmailAddress(email);
      if (!parsed.ok) throw new CliExit(2, `not a valid email address: ${parsed.reason}`);
      const { dir } = resolveConfigDir(options.config, io);
      const { config } = await loadWithSourcesOrExit(dir, io, { quietWarnings: true });
      const snapshot = new Snapshot(config);
      if (!snapshot.settings(parsed.value.domain)) {
        throw new CliExit(1, `${parsed.value.domain} is not in the config at ${dir}`);
      }
      const render = RENDER_FORMATS[options.format] as (typeof RENDER_FORMATS)[string];
      const answer = render(snapshot, email);
      io.stdout.write(answer.body);
      if (answer.meta.outcome !== 'ok') {
        throw new CliExit(
          1,
          `the server would answer this with "${answer.meta.outcome}" (HTTP ${answer.status})`,
        );
      }
    });
}
