import { Option, type Command } from 'commander';
import { create } from 'xmlbuilder2';
import { parseEmailAddress } from '../../core/address';
import { answerAutoconfig, answerAutodiscoverPost, type Answer } from '../../service/answers';
import { answerMobileconfig } from '../../service/apple-answers';
import { answerAutodiscoverJson } from '../../service/autodiscover-json-answers';
import { Snapshot } from '../../service/snapshot';
import { NS } from '../../protocols/autodiscover-namespaces';
import { resolveConfigDir } from '../config-dir';
import { CliExit, type CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';

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

/** The request body Outlook (or an ActiveSync client) sends, protocols.md §2.3. */
export function poxRequest(address: string, schema: 'outlook' | 'mobilesync'): string {
  const [requestNs, responseNs] =
    schema === 'outlook'
      ? [NS.outlookRequest, NS.outlookResponse]
      : [NS.mobilesyncRequest, NS.mobilesyncResponse];
  const request = create({ version: '1.0', encoding: 'utf-8' }).ele(requestNs, 'Autodiscover').ele('Request');
  request.ele('EMailAddress').txt(address);
  request.ele('AcceptableResponseSchema').txt(responseNs);
  return request.end();
}

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
      const config = await loadOrExit(dir, io, { quietWarnings: true });
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
