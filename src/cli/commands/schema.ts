import type { Command } from 'commander';
import { configJsonSchema } from '../../config/schema';
import type { CliIo } from '../io';

export function registerSchema(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description('print the JSON Schema of config files (for editors with a YAML language server)')
    .action(() => {
      io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
