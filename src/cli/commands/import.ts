import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { importClientConfig } from '../../import/import-file';
import { MAX_XML_BYTES } from '../../import/xml-tree';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';

/** The files an argument names: a file itself, or the `*.xml` files directly inside a directory. */
function inputFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new CliExit(EXIT.usage, `cannot read ${path}: no such file or directory`);
  }
  if (!stat.isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => name.endsWith('.xml') && !name.startsWith('.'))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new CliExit(EXIT.usage, `no .xml files in ${path}`);
  return files;
}

export function registerImport(program: Command, io: CliIo): void {
  program
    .command('import')
    .description(
      'read Mozilla autoconfig (clientConfig v1.1) files, e.g. from the ISPDB, into YAML: one file per provider; ' +
        'every element not carried over is listed with its line',
    )
    .argument('<paths...>', 'XML files, or directories whose *.xml files are read')
    .option('--out <dir>', 'write <domain>.yaml files here (default: standard output, for one file only)')
    .option('--force', 'overwrite YAML files that already exist in --out')
    .action((paths: string[], options: { out?: string; force?: boolean }) => {
      const files = paths.flatMap((path) => inputFiles(resolve(io.cwd, path)));
      if (options.out === undefined && files.length > 1)
        throw new CliExit(EXIT.usage, `${files.length} files to import: name a directory with --out`);
      const outDir = options.out === undefined ? undefined : resolve(io.cwd, options.out);
      if (outDir) mkdirSync(outDir, { recursive: true });
      const shown = (file: string) => {
        const path = relative(io.cwd, file);
        return path.startsWith('..') ? file : path;
      };
      const written = new Map<string, string>();
      let lost = false;
      let providers = 0;
      for (const file of files) {
        const name = shown(file);
        if (statSync(file).size > MAX_XML_BYTES) {
          io.stderr.write(`${name}: not imported: larger than ${MAX_XML_BYTES} bytes\n`);
          lost = true;
          continue;
        }
        const result = importClientConfig(readFileSync(file, 'utf8'), basename(file));
        if (!result.ok) {
          io.stderr.write(`${name}:${result.line}: not imported: ${result.message}\n`);
          lost = true;
          continue;
        }
        for (const provider of result.providers) {
          providers++;
          for (const loss of provider.losses)
            io.stderr.write(`${name}:${loss.line}: ${loss.element} not carried over: ${loss.reason}\n`);
          if (provider.losses.length > 0) lost = true;
          const target = outDir && join(outDir, `${provider.domain}.yaml`);
          if (target) {
            const earlier = written.get(target);
            if (earlier !== undefined || (existsSync(target) && !options.force)) {
              io.stderr.write(
                `${name}: ${provider.domain} not written: ${shown(target)} ${earlier ? `was written from ${earlier}` : 'exists (use --force to overwrite)'}\n`,
              );
              lost = true;
              continue;
            }
            writeFileSync(target, provider.yaml);
            written.set(target, name);
            io.stderr.write(`${name}: ${provider.domain} -> ${shown(target)}\n`);
          } else {
            io.stdout.write(provider.yaml);
          }
          for (const problem of provider.invalid)
            io.stderr.write(`${name}: the YAML for ${provider.domain} does not validate: ${problem}\n`);
          if (provider.invalid.length > 0) lost = true;
        }
      }
      io.stderr.write(
        `${providers} provider${providers === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'}` +
          (lost
            ? ': something was not carried over or is not valid (see above)\n'
            : ', everything carried over\n'),
      );
      // The report above says what; the status says that something did not come over whole.
      if (lost) throw new CliExit(EXIT.failed);
    });
}
