import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importClientConfig } from '../../../src/import/import-file';
import { REPO_ROOT } from '../../helpers/example';

/** Hostile or broken input gets a clean answer (a result or a located error), never an exception. */
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'ispdb');
const samples = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.xml'))
  .map((name) => readFileSync(join(FIXTURES, name), 'utf8'));

function answersCleanly(text: string): boolean {
  const result = importClientConfig(text, 'fuzz.xml');
  if (result.ok) return result.providers.every((provider) => typeof provider.yaml === 'string');
  return Number.isInteger(result.line) && result.line >= 1 && result.message.length > 0;
}

describe('import never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), answersCleanly), { numRuns: 500 });
  });

  it('on fixtures with a slice cut out, repeated or replaced by markup characters', () => {
    const sample = fc.constantFrom(...samples);
    const edit = fc.tuple(
      sample,
      fc.nat(),
      fc.nat({ max: 200 }),
      fc.constantFrom(
        '',
        '<',
        '>',
        '&',
        '&#0;',
        '&#x110000;',
        ']]>',
        '<!--',
        '"',
        "'",
        '<a b="c" b="d">',
        '</x>',
      ),
    );
    fc.assert(
      fc.property(edit, ([text, at, length, insert]) => {
        const start = at % text.length;
        return answersCleanly(text.slice(0, start) + insert + text.slice(start + length));
      }),
      { numRuns: 500 },
    );
  });
});
