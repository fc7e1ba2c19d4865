import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { LoadedConfig } from '../../config/load';
import { normalizeDomain } from '../../core/address';
import type { DomainSettings } from '../../core/settings';
import { autoconfigFiles, SNIPPET_DIR, writeStaticTree, type StaticFile } from '../../export/static-tree';
import { caddySnippet, nginxHeaders, nginxSnippet } from '../../export/web-server-snippets';
import { renderIspdbFile } from '../../protocols/mozilla';
import { resolveConfigDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { loadWithSourcesOrExit } from '../load-with-sources';

/**
 * `export` writes the config out in another tool's format. Each per-domain format is one entry
 * here; `--static DIR` is the mode that writes a directory for the whole config: the autoconfig
 * documents of every domain and alias, for any web server or CDN.
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

function* withSnippets(files: Iterable<StaticFile>, root: string): Generator<StaticFile> {
  yield* files;
  yield { path: `${SNIPPET_DIR}/nginx.conf`, body: Buffer.from(nginxSnippet(root)) };
  yield { path: `${SNIPPET_DIR}/autoconfig-headers.conf`, body: Buffer.from(nginxHeaders()) };
  yield { path: `${SNIPPET_DIR}/Caddyfile`, body: Buffer.from(caddySnippet(root)) };
}

async function exportStatic(directory: string, configDir: string, io: CliIo): Promise<void> {
  const { config } = await loadWithSourcesOrExit(configDir, io, { quietWarnings: true });
  const target = resolve(io.cwd, directory);
  const counts = await writeStaticTree(target, withSnippets(autoconfigFiles(config.domains), target));
  const names = config.domains.reduce((sum, d) => sum + 1 + d.aliases.length, 0);
  io.stdout.write(
    `${target}: autoconfig for ${names} name${names === 1 ? '' : 's'} (${config.domains.length} domains and their aliases); ` +
      `${counts.written} file${counts.written === 1 ? '' : 's'} written, ${counts.unchanged} unchanged, ${counts.removed} removed\n` +
      `serve it with ${target}/${SNIPPET_DIR}/nginx.conf or ${target}/${SNIPPET_DIR}/Caddyfile\n`,
  );
}

export function registerExport(program: Command, io: CliIo): void {
  program
    .command('export')
    .description(
      'write a domain of the config in another format (e.g. the file to submit to the ISPDB), or with --static every autoconfig document as a static tree',
    )
    .argument('[domain]', 'a served domain or one of its aliases (not with --static)')
    .addOption(
      new Option('--format <format>', 'what to write for the domain').choices(Object.keys(EXPORT_FORMATS)),
    )
    .option('--out <file>', 'write to this file instead of standard output')
    .option(
      '--static <dir>',
      'write the autoconfig documents of every domain and alias into this directory, with nginx and Caddy snippets in <dir>/_server',
    )
    .option('--config <dir>', 'config directory (default: $MAIL_AUTOCONF_CONFIG or ./config)')
    .action(
      async (
        domain: string | undefined,
        options: { format?: string; out?: string; static?: string; config?: string },
      ) => {
        const { dir } = resolveConfigDir(options.config, io);
        if (options.static !== undefined) {
          if (domain !== undefined || options.format !== undefined || options.out !== undefined)
            throw new CliExit(
              EXIT.usage,
              '--static writes every domain: give no domain, --format or --out with it',
            );
          await exportStatic(options.static, dir, io);
          return;
        }
        if (domain === undefined || options.format === undefined)
          throw new CliExit(EXIT.usage, 'give a domain and --format, or --static DIR');
        const format = EXPORT_FORMATS[options.format];
        if (!format) throw new CliExit(EXIT.usage, `unknown format ${options.format}`);
        const name = normalizeDomain(domain);
        if (name === undefined) throw new CliExit(EXIT.usage, `not a domain name: ${domain}`);
        const { config } = await loadWithSourcesOrExit(dir, io, { quietWarnings: true });
        const settings = config.domains.find(
          (entry) => entry.domain === name || entry.aliases.includes(name),
        );
        if (!settings) throw new CliExit(EXIT.failed, `${name} is not in the config at ${dir}`);
        if (settings.domain !== name)
          io.stderr.write(
            `mail-autoconf: ${name} is an alias of ${settings.domain}; exporting ${settings.domain}\n`,
          );
        const text = format.renderDomain(settings, config);
        if (options.out === undefined) io.stdout.write(text);
        else writeFileSync(resolve(io.cwd, options.out), text);
      },
    );
}
