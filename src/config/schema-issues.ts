import type { z } from 'zod';
import type { PathSegment } from './problems';

/** A schema violation in words an admin understands, still carrying its path for locating. */
export interface SchemaIssue {
  readonly path: PathSegment[];
  /** Set when the issue is an unknown key, so the key itself can be located. */
  readonly key?: string;
  readonly message: string;
}

type Issue = z.core.$ZodIssue;

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return typeof value;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** For typos: the nearest known key within two edits, if any. */
function suggestKey(key: string, knownKeys: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const known of knownKeys) {
    const distance = editDistance(key.toLowerCase(), known.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: known, distance };
  }
  return best?.key;
}

/**
 * Names other tools use for an allowed value: clients call TLS from the first byte "SSL" (or
 * "SSL/TLS"), and unencrypted "plain". Offered only where the target value is allowed.
 */
const VALUE_SYNONYMS: Readonly<Record<string, string>> = {
  ssl: 'tls',
  'ssl/tls': 'tls',
  'tls/ssl': 'tls',
  implicit: 'tls',
  'start-tls': 'starttls',
  start_tls: 'starttls',
  plain: 'none',
  plaintext: 'none',
  cleartext: 'none',
};

/** For a mistyped enum value (`startls`, `ssl`): the nearest allowed value, as a hint. */
function suggestValue(issue: Extract<Issue, { code: 'invalid_value' }>): string {
  if (typeof issue.input !== 'string') return '';
  const allowed = issue.values.filter((value): value is string => typeof value === 'string');
  const synonym = VALUE_SYNONYMS[issue.input.toLowerCase()];
  const suggestion =
    synonym !== undefined && allowed.includes(synonym) ? synonym : suggestKey(issue.input, allowed);
  return suggestion === undefined || suggestion === issue.input ? '' : ` (did you mean "${suggestion}"?)`;
}

/**
 * A union fails with one issue list per branch. The branch the admin meant is the one whose
 * input type matched: drop branches that failed on the type of the value itself.
 */
function pickUnionBranch(issue: Extract<Issue, { code: 'invalid_union' }>): Issue[] | undefined {
  const typeMatched = issue.errors.filter(
    (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  if (typeMatched.length === 1) return typeMatched[0];
  // Several branches took the value's type (a list for "one or a list"): the one that failed
  // only inside the value is the one meant.
  const deeper = typeMatched.filter((branch) => branch.every((inner) => inner.path.length > 0));
  return deeper.length === 1 ? deeper[0] : undefined;
}

function message(issue: Issue): string {
  if ('input' in issue && issue.input === undefined && issue.code !== 'custom') {
    return issue.code === 'invalid_value'
      ? `required: one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`
      : 'required';
  }
  const got = 'input' in issue ? `, got ${describeValue(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}${got}`;
    case 'too_big':
      if (issue.origin === 'number') return `expected at most ${String(issue.maximum)}${got}`;
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      return `must have at most ${String(issue.maximum)} entries`;
    case 'too_small':
      if (issue.origin === 'number') return `expected at least ${String(issue.minimum)}${got}`;
      if (issue.origin === 'string')
        return issue.minimum === 1
          ? 'must not be empty'
          : `must be at least ${String(issue.minimum)} characters`;
      return `must have at least ${String(issue.minimum)} ${issue.minimum === 1 ? 'entry' : 'entries'}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}${got}${suggestValue(issue)}`;
    case 'invalid_format':
      if (issue.format === 'url') return `expected an https:// URL with a public host name${got}`;
      if (issue.format === 'regex') return `${issue.message}${got}`;
      return `expected ${issue.format}${got}`;
    case 'not_multiple_of':
      return `expected a whole number${got}`;
    default:
      return issue.message;
  }
}

export function toSchemaIssues(
  issues: readonly Issue[],
  knownKeys: readonly string[],
  base: PathSegment[] = [],
): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const suggestion = suggestKey(key, knownKeys);
        out.push({
          path: [...path, key],
          key,
          message: `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        });
      }
    } else if (issue.code === 'invalid_union') {
      const branch = pickUnionBranch(issue);
      if (branch) out.push(...toSchemaIssues(branch, knownKeys, path));
      else
        out.push({
          path,
          message: `not a valid value, got ${describeValue((issue as { input?: unknown }).input)}`,
        });
    } else {
      out.push({ path, message: message(issue) });
    }
  }
  return out;
}

/** Every key of every strict object in a schema, for "did you mean" suggestions. */
export function collectKeys(schema: z.ZodType): string[] {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    const shape = def.shape as Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(shape ?? {})) {
      keys.add(key);
      visit(value);
    }
    for (const field of ['innerType', 'element', 'valueType', 'in', 'out', 'left', 'right'])
      visit(def[field]);
    if (Array.isArray(def.options)) def.options.forEach(visit);
  };
  visit(schema);
  return [...keys];
}
