import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../completion';
import type { CliIo } from '../io';

export function registerCompletion(program: Command, io: CliIo): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(mail-autoconf completion bash)')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELLS))
    .action((shell: Shell) => {
      io.stdout.write(completionScript(program, shell));
    });
}
