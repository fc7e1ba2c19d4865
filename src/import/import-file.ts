import { stringify } from 'yaml';
import { loadConfigTexts } from '../config/load';
import { formatProblem } from '../config/problems';
import { readClientConfig, type ImportedProvider, type Loss } from './clientconfig';
import { parseXml } from './xml-tree';

/** One provider of an imported file, as YAML, with what was lost and whether the result validates. */
export interface ImportedYaml {
  readonly domain: string;
  readonly yaml: string;
  readonly losses: readonly Loss[];
  /** `validate` errors of the written YAML on its own, as `file:line:col path: reason`. */
  readonly invalid: readonly string[];
}

export type ImportResult =
  { ok: true; providers: ImportedYaml[] } | { ok: false; line: number; message: string };

/** Reads one clientConfig file's text; `source` is only named in the YAML's header comment. */
export function importClientConfig(text: string, source: string, yamlName = 'imported.yaml'): ImportResult {
  const parsed = parseXml(text);
  if (!parsed.ok) return parsed;
  const read = readClientConfig(parsed.root);
  if (!read.ok) return read;
  return {
    ok: true,
    providers: read.providers.map((provider) => {
      const yaml = toYaml(provider, source);
      const result = loadConfigTexts([{ file: yamlName, text: yaml }]);
      return {
        domain: provider.domain,
        yaml,
        losses: provider.losses,
        invalid: result.ok ? [] : result.errors.map(formatProblem),
      };
    }),
  };
}

function toYaml(provider: ImportedProvider, source: string): string {
  const header =
    `# Imported from ${source} by mail-autoconf import.\n` +
    (provider.losses.length > 0
      ? `# Not carried over (${provider.losses.length}): see the import report.\n`
      : '');
  // Keys of the model are plain words and values are strings, numbers and booleans, so the
  // YAML 1.2 writer's default quoting (e.g. of "%EMAILADDRESS%" or "on") keeps every meaning.
  return header + stringify(provider.entry, { lineWidth: 0 });
}
