import Ajv from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { configJsonSchema } from '../../../src/config/schema';
import { importClientConfig } from '../../../src/import/import-file';
import { EXAMPLE_CONFIG_DIR, REPO_ROOT } from '../../helpers/example';

/** The published JSON Schema means what the loader means: editors accept what loads, flag typos. */
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(configJsonSchema());

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => relative(REPO_ROOT, join(dir, name)));
}

describe('the JSON Schema for editors', () => {
  it.each(yamlFiles(EXAMPLE_CONFIG_DIR))('accepts the shipped %s', (file) => {
    expect(validate(parse(readFileSync(join(REPO_ROOT, file), 'utf8')))).toBe(true);
  });

  const fixtures = join(REPO_ROOT, 'test', 'fixtures', 'ispdb');
  it.each(readdirSync(fixtures).filter((name) => name.endsWith('.xml')))(
    'accepts what import writes for %s (templates, http links, every ISPDB key)',
    (name) => {
      const result = importClientConfig(readFileSync(join(fixtures, name), 'utf8'), name);
      if (!result.ok) throw new Error(result.message);
      for (const provider of result.providers) {
        const valid = validate(parse(provider.yaml));
        expect(valid ? [] : validate.errors).toEqual([]);
      }
    },
  );

  it('rejects a typo in a key and a wrong type', () => {
    const base = {
      domain: 'example.com',
      incoming: [{ type: 'imap', host: 'imap.example.com', security: 'tls' }],
      outgoing: [{ host: 'smtp.example.com', security: 'tls' }],
    };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, documentaton: { url: 'https://example.com/' } })).toBe(false);
    expect(
      validate({ ...base, incoming: [{ type: 'nntp', host: 'news.example.com', security: 'tls' }] }),
    ).toBe(false);
    expect(
      validate({ ...base, enable: { visitUrl: 'https://example.com/', instruction: { en: 'x' } } }),
    ).toBe(false);
  });
});
