import { domainEntrySchema, profileSchema, type DomainEntryInput } from '../config/schema';
import { collectKeys, toSchemaIssues } from '../config/schema-issues';
import { formatPath } from '../config/problems';

/**
 * One row of a source query turned into the same domain entry a YAML file would hold, checked by
 * the same schema, so a JSON `overrides` column can set exactly what YAML can and nothing else.
 */

export const ROW_COLUMNS = ['domain', 'profile', 'aliases', 'username', 'overrides'] as const;

export type RowResult = { ok: true; entry: DomainEntryInput } | { ok: false; message: string };

const KNOWN_KEYS = collectKeys(domainEntrySchema);
/** Keys the other columns (or the YAML) set, which `overrides` may not. */
const COLUMN_KEYS: Record<string, string> = {
  domain: 'the domain column sets it',
  aliases: 'the aliases column sets it',
  extends: 'the profile column sets it',
  overridesSources: 'only a YAML entry can override a source',
};
/** What `overrides` may set: the settings of a profile, but not what the other columns say. */
const overridesSchema = profileSchema.omit({ extends: true });

function issues(error: { issues: readonly unknown[] }, base: (string | number)[]): string {
  return toSchemaIssues(error.issues as Parameters<typeof toSchemaIssues>[0], KNOWN_KEYS, base)
    .map((issue) => (issue.path.length ? `${formatPath(issue.path)}: ${issue.message}` : issue.message))
    .join('; ');
}

function textColumn(value: unknown): string | undefined | false {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  return false;
}

/** Aliases as an array (PostgreSQL text[], a JSON array) or a comma/space separated list. */
function aliasList(value: unknown): string[] | undefined | false {
  if (value === null || value === undefined) return undefined;
  let list: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    list = text.startsWith('[') ? safeJson(text) : text.split(/[\s,]+/).filter(Boolean);
  } else if (Buffer.isBuffer(value)) {
    return aliasList(value.toString('utf8'));
  }
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) return false;
  return list.length === 0 ? undefined : list;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Checks one row. `defaultProfile` is the source's `profile:` for rows that name none. */
export function rowToEntry(row: Readonly<Record<string, unknown>>, defaultProfile?: string): RowResult {
  const domain = textColumn(row.domain);
  if (domain === undefined) return { ok: false, message: 'domain: the column is empty' };
  if (domain === false) return { ok: false, message: 'domain: expected text' };
  const profile = textColumn(row.profile);
  if (profile === false) return { ok: false, message: 'profile: expected text' };
  const username = textColumn(row.username);
  if (username === false) return { ok: false, message: 'username: expected text' };
  const aliases = aliasList(row.aliases);
  if (aliases === false)
    return { ok: false, message: 'aliases: expected an array of names or a comma-separated list' };

  let overrides: Record<string, unknown> = {};
  const raw = Buffer.isBuffer(row.overrides) ? row.overrides.toString('utf8') : row.overrides;
  if (raw !== null && raw !== undefined && raw !== '') {
    const value = typeof raw === 'string' ? safeJson(raw) : raw;
    if (value === undefined) return { ok: false, message: 'overrides: not valid JSON' };
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { ok: false, message: 'overrides: expected a JSON object' };
    const taken = Object.keys(value).find((key) => key in COLUMN_KEYS);
    if (taken !== undefined)
      return { ok: false, message: `overrides.${taken}: not allowed here (${COLUMN_KEYS[taken]})` };
    const checked = overridesSchema.safeParse(value, { reportInput: true });
    if (!checked.success) return { ok: false, message: issues(checked.error, ['overrides']) };
    overrides = value as Record<string, unknown>;
  }

  const entry = {
    domain,
    ...(aliases && { aliases }),
    ...((profile ?? defaultProfile) !== undefined && { extends: profile ?? defaultProfile }),
    ...(username !== undefined && { username }),
    ...overrides,
  };
  // Parsed without the input in issues first: reporting it costs on every row, and is needed
  // only to explain a bad one.
  const parsed = domainEntrySchema.safeParse(entry);
  if (!parsed.success) {
    const explained = domainEntrySchema.safeParse(entry, { reportInput: true });
    return { ok: false, message: issues(explained.success ? parsed.error : explained.error, []) };
  }
  return { ok: true, entry: parsed.data };
}

/** Columns the query returned that mean nothing here (most likely a misspelt alias). */
export function unknownColumns(columns: readonly string[]): string[] {
  return columns.filter((column) => !(ROW_COLUMNS as readonly string[]).includes(column));
}
