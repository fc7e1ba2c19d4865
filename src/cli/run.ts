import { Command, CommanderError } from 'commander';
import { CliExit, type CliIo } from './io';
import { registerCheck } from './commands/check';
import { registerDns } from './commands/dns';
import { registerRender } from './commands/render';
import { registerSchema } from './commands/schema';
import { registerServe } from './commands/serve';
import { registerValidate } from './commands/validate';
import { packageVersion } from '../package-dir';

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
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  registerServe(program, io);
  registerValidate(program, io);
  registerRender(program, io);
  registerSchema(program, io);
  registerDns(program, io);
  registerCheck(program, io, setExit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliExit) {
      if (error.message) io.stderr.write(`mail-autoconf: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`mail-autoconf: unexpected error: ${message}\n`);
    return 70;
  }
  return exitCode;
}
