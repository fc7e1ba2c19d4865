import { FAILSAFE_SCHEMA, load, Type, YAMLException } from 'js-yaml';
import { parseDocument, visit, type Document } from 'yaml';

/**
 * One meaning for every config file: YAML 1.2 with the core schema, whichever reader reads it.
 *
 * The data of a file comes from js-yaml, about ten times faster than the `yaml` package, but
 * js-yaml's own core schema is not YAML 1.2's (it reads `0b101` as 5, `1_000` as 1000). So js-yaml
 * gets the scalar rules of the YAML 1.2 core schema here, written to the same patterns the `yaml`
 * package uses; a property test keeps the two readers equal over generated documents.
 *
 * Which reader is used depends only on what js-yaml reports: when it refuses the text, or the data
 * it returns shares nodes (the file uses aliases), the `yaml` package reads the file instead, with
 * its bound on alias expansion. Never on the text itself.
 */

const intResolve = (text: string, offset: number, radix: number) => parseInt(text.slice(offset), radix);

const CORE_SCALARS: readonly { tag: string; test: RegExp; value: (text: string) => unknown }[] = [
  { tag: 'null', test: /^(?:~|[Nn]ull|NULL)?$/, value: () => null },
  {
    tag: 'bool',
    test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
    value: (text) => text[0] === 't' || text[0] === 'T',
  },
  { tag: 'int', test: /^0o[0-7]+$/, value: (text) => intResolve(text, 2, 8) },
  { tag: 'int', test: /^[-+]?[0-9]+$/, value: (text) => intResolve(text, 0, 10) },
  { tag: 'int', test: /^0x[0-9a-fA-F]+$/, value: (text) => intResolve(text, 2, 16) },
  {
    tag: 'float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    value: (text) =>
      text.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : text[0] === '-'
          ? Number.NEGATIVE_INFINITY
          : Number.POSITIVE_INFINITY,
  },
  { tag: 'float', test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, value: parseFloat },
  { tag: 'float', test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, value: parseFloat },
];

/** One js-yaml type per core tag, trying that tag's patterns in the `yaml` package's order. */
function coreType(tag: string, kinds: (typeof CORE_SCALARS)[number][]): Type {
  const match = (text: string) => kinds.find((kind) => kind.test.test(text));
  return new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (text: unknown) => typeof text === 'string' && match(text) !== undefined,
    construct: (text: string) => (match(text) as (typeof CORE_SCALARS)[number]).value(text),
  });
}

const byTag = (tag: string) => CORE_SCALARS.filter((kind) => kind.tag === tag);

export const YAML_12_CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    coreType('null', byTag('null')),
    coreType('bool', byTag('bool')),
    coreType('int', byTag('int')),
    coreType('float', byTag('float')),
  ],
});

export type FastRead =
  { ok: true; data: unknown } | { ok: false; reason: 'refused' | 'aliases'; error?: YAMLException };

/** The file as js-yaml reads it with YAML 1.2 core scalars, or why the `yaml` package must read it. */
export function readFast(text: string, file: string): FastRead {
  let data: unknown;
  try {
    data = load(text, { schema: YAML_12_CORE_SCHEMA, filename: file });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    return { ok: false, reason: 'refused', error };
  }
  // js-yaml hands an alias back as the very node it names: a node met twice means aliases, and
  // a few nested aliases ("billion laughs") would make validation walk an exponential tree.
  return sharesNodes(data) ? { ok: false, reason: 'aliases' } : { ok: true, data };
}

function sharesNodes(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (seen.has(node)) return true;
    seen.add(node);
    if (Array.isArray(node)) for (const item of node) stack.push(item);
    else for (const value of Object.values(node)) stack.push(value);
  }
  return false;
}

/** The `yaml` package's reading of a file, YAML 1.2 core schema, duplicate keys refused. */
export function parsePositioned(
  text: string,
  options: Parameters<typeof parseDocument>[1] = {},
): Document.Parsed {
  return parseDocument(text, {
    ...options,
    version: '1.2',
    schema: 'core',
    prettyErrors: false,
    uniqueKeys: true,
  });
}

/** The data of a document the `yaml` package read; aliases expand at most {@link MAX_ALIAS_COUNT} times. */
export const MAX_ALIAS_COUNT = 100;
export function positionedData(doc: Document.Parsed): unknown {
  return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((tag) => `tag:yaml.org,2002:${tag}`),
);

/** Tags outside the YAML 1.2 core schema, where they stand. */
export function foreignTags(doc: Document.Parsed): { tag: string; offset: number }[] {
  const found: { tag: string; offset: number }[] = [];
  visit(doc, {
    Node(_key, node) {
      if (node.tag !== undefined && !CORE_TAGS.has(node.tag))
        found.push({ tag: node.tag, offset: node.range?.[0] ?? 0 });
    },
  });
  return found;
}
