import { Command, CommanderError } from 'commander';
import { packageVersion } from '../package-dir';
import { registerCheck } from './commands/check';
import { registerCompletion } from './commands/completion';
import { registerDns } from './commands/dns';
import { registerExport } from './commands/export';
import { registerImport } from './commands/import';
import { registerInit } from './commands/init';
import { registerRender } from './commands/render';
import { registerSchema } from './commands/schema';
import { registerServe } from './commands/serve';
import { registerValidate } from './commands/validate';
import { EXIT, EXIT_STATUS_HELP } from './exit-codes';
import { CliExit, type CliIo } from './io';
import { palette } from './style';

/**
 * Adds one subcommand to the program. A command reports failure by throwing `CliExit` with a code
 * from exit-codes.ts; returning normally means success (exit 0).
 */
export type RegisterCommand = (program: Command, io: CliIo) => void;

/** Every subcommand, in the order `--help` lists them. A new command is one line here. */
const COMMANDS: readonly RegisterCommand[] = [
  registerServe,
  registerValidate,
  registerRender,
  registerDns,
  registerCheck,
  registerInit,
  registerSchema,
  registerImport,
  registerExport,
  // Last: it reads the commands above to complete their names and options.
  registerCompletion,
];

/**
 * Commander's own outcomes: help asked for (`--help`, `help CMD`) and the version are successes;
 * everything else, including help shown because no command was given, is a usage error.
 */
function commanderExit(error: CommanderError): number {
  return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}

/**
 * The admin CLI as a function: argv in, exit code out. Only the bin file touches `process`, so
 * tests run commands in-process with their own io.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('mail-autoconf')
    .description(
      'Mail client autoconfiguration: Thunderbird autoconfig, Outlook Autodiscover and DNS records from YAML',
    )
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_STATUS_HELP)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  for (const register of COMMANDS) register(program, io);
  for (const command of program.commands) command.addHelpText('after', EXIT_STATUS_HELP);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    if (error instanceof CliExit) {
      if (error.message) io.stderr.write(`mail-autoconf: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${palette(io, 'stderr').red('mail-autoconf: unexpected error')}: ${message}\n`);
    return EXIT.internal;
  }
  return EXIT.ok;
}
