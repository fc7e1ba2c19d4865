import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { LoadedConfig } from '../../config/load';
import { normalizeDomain } from '../../core/address';
import type { DomainSettings } from '../../core/settings';
import { renderIspdbFile } from '../../protocols/mozilla';
import { resolveConfigDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';

/**
 * `export` writes the config out in another tool's format. Each format is one entry here: what it
 * needs (one domain, or the whole config) and how it is written. A mode that writes a directory
 * for the whole config (such as a static export) is another entry beside `ispdb`.
 */
interface ExportFormat {
  readonly description: string;
  /** The file's text for one served domain. */
  readonly renderDomain: (settings: DomainSettings, config: LoadedConfig) => string;
}

export const EXPORT_FORMATS: Readonly<Record<string, ExportFormat>> = {
  ispdb: {
    description: "Thunderbird ISPDB file (clientConfig v1.1) with all of the domain's aliases",
    renderDomain: (settings) => renderIspdbFile(settings),
  },
};

export function registerExport(program: Command, io: CliIo): void {
  program
    .command('export')
    .description('write a domain of the config in another format, e.g. the file to submit to the ISPDB')
    .argument('<domain>', 'a served domain or one of its aliases')
    .addOption(
      new Option('--format <format>', 'what to write')
        .choices(Object.keys(EXPORT_FORMATS))
        .makeOptionMandatory(),
    )
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--config <dir>', 'config directory (default: $MAIL_AUTOCONF_CONFIG or ./config)')
    .action(async (domain: string, options: { format: string; out?: string; config?: string }) => {
      const format = EXPORT_FORMATS[options.format];
      if (!format) throw new CliExit(EXIT.usage, `unknown format ${options.format}`);
      const name = normalizeDomain(domain);
      if (name === undefined) throw new CliExit(EXIT.usage, `not a domain name: ${domain}`);
      const { dir } = resolveConfigDir(options.config, io);
      const config = await loadOrExit(dir, io, { quietWarnings: true });
      const settings = config.domains.find((entry) => entry.domain === name || entry.aliases.includes(name));
      if (!settings) throw new CliExit(EXIT.failed, `${name} is not in the config at ${dir}`);
      if (settings.domain !== name)
        io.stderr.write(
          `mail-autoconf: ${name} is an alias of ${settings.domain}; exporting ${settings.domain}\n`,
        );
      const text = format.renderDomain(settings, config);
      if (options.out === undefined) io.stdout.write(text);
      else writeFileSync(resolve(io.cwd, options.out), text);
    });
}
