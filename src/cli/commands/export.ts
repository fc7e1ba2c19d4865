import { resolve } from 'node:path';
import type { Command } from 'commander';
import { autoconfigFiles, SNIPPET_DIR, writeStaticTree, type StaticFile } from '../../export/static-tree';
import { caddySnippet, nginxHeaders, nginxSnippet } from '../../export/web-server-snippets';
import { resolveConfigDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { loadWithSourcesOrExit } from '../load-with-sources';

function* withSnippets(files: Iterable<StaticFile>, root: string): Generator<StaticFile> {
  yield* files;
  yield { path: `${SNIPPET_DIR}/nginx.conf`, body: Buffer.from(nginxSnippet(root)) };
  yield { path: `${SNIPPET_DIR}/autoconfig-headers.conf`, body: Buffer.from(nginxHeaders()) };
  yield { path: `${SNIPPET_DIR}/Caddyfile`, body: Buffer.from(caddySnippet(root)) };
}

export function registerExport(program: Command, io: CliIo): void {
  program
    .command('export')
    .description(
      'write the autoconfig documents of every domain and alias as a static tree for any web server or CDN',
    )
    .option(
      '--static <dir>',
      'directory to write (created if missing); with nginx and Caddy snippets in <dir>/_server',
    )
    .option('--config <dir>', 'config directory (default: $MAIL_AUTOCONF_CONFIG or ./config)')
    .action(async (options: { static?: string; config?: string }) => {
      if (options.static === undefined) throw new CliExit(EXIT.usage, 'give --static DIR');
      const { dir } = resolveConfigDir(options.config, io);
      const { config } = await loadWithSourcesOrExit(dir, io, { quietWarnings: true });
      const target = resolve(io.cwd, options.static);
      const counts = await writeStaticTree(target, withSnippets(autoconfigFiles(config.domains), target));
      const names = config.domains.reduce((sum, d) => sum + 1 + d.aliases.length, 0);
      io.stdout.write(
        `${target}: autoconfig for ${names} name${names === 1 ? '' : 's'} (${config.domains.length} domains and their aliases); ` +
          `${counts.written} file${counts.written === 1 ? '' : 's'} written, ${counts.unchanged} unchanged, ${counts.removed} removed\n` +
          `serve it with ${target}/${SNIPPET_DIR}/nginx.conf or ${target}/${SNIPPET_DIR}/Caddyfile\n`,
      );
    });
}
