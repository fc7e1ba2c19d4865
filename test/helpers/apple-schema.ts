import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './example';

/** Key name → plist type and presence, as Apple's device-management schemas list them. */
export type KeySpec = Record<string, { type: string; presence: string }>;

const APPLE_SCHEMAS = join(REPO_ROOT, 'test', 'schemas', 'apple');

function keysOf(file: string): KeySpec {
  const doc = parse(readFileSync(join(APPLE_SCHEMAS, file), 'utf8')) as {
    payloadkeys: { key: string; type: string; presence: string }[];
  };
  return Object.fromEntries(
    doc.payloadkeys.map((k) => [k.key, { type: k.type.replace(/[<>]/g, ''), presence: k.presence }]),
  );
}

function davKeys(): Record<string, KeySpec> {
  const fixture = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'apple-dav-payload-keys.json'), 'utf8'),
  ) as Record<string, KeySpec | string>;
  return Object.fromEntries(Object.entries(fixture).filter(([name]) => name !== 'origin')) as Record<
    string,
    KeySpec
  >;
}

export function appleSchemas(): { topLevel: KeySpec; payloads: Record<string, KeySpec> } {
  const common = keysOf('CommonPayloadKeys.yaml');
  const payloads: Record<string, KeySpec> = {
    'com.apple.mail.managed': { ...common, ...keysOf('com.apple.mail.managed.yaml') },
  };
  for (const [type, keys] of Object.entries(davKeys())) payloads[type] = { ...common, ...keys };
  return { topLevel: keysOf('TopLevel.yaml'), payloads };
}

function plistType(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'real';
  if (Array.isArray(value)) return 'array';
  return 'dictionary';
}

/** Every problem of `dict` against `spec`: unknown keys, wrong types, missing required keys. */
export function keyProblems(dict: Record<string, unknown>, spec: KeySpec): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(dict)) {
    const expected = spec[key];
    if (!expected) problems.push(`${key}: not a documented key`);
    else if (expected.type !== 'any' && plistType(value) !== expected.type)
      problems.push(`${key}: ${plistType(value)} instead of ${expected.type}`);
  }
  for (const [key, { presence }] of Object.entries(spec)) {
    if (presence === 'required' && !(key in dict)) problems.push(`${key}: required but missing`);
  }
  return problems;
}
