import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainSyntaxErrors, indentationMistakes } from '../../../src/config/yaml-syntax';
import { EXAMPLE_CONFIG_DIR } from '../../helpers/example';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? yamlFiles(join(dir, entry.name))
      : /\.ya?ml$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('indentation mistakes', () => {
  it('finds none in well-formed YAML of every shape the shipped config uses', () => {
    const files = yamlFiles(EXAMPLE_CONFIG_DIR);
    expect(files.length).toBeGreaterThan(2);
    for (const file of files)
      expect({ file, mistakes: indentationMistakes(readFileSync(file, 'utf8')) }).toEqual({
        file,
        mistakes: [],
      });
  });

  it('accepts a list at the same column as its key, block scalars and multi-line flow lists', () => {
    const text = [
      'incoming:',
      '- type: imap',
      '  host: imap.example.com',
      'help: |',
      '  first line',
      '      indented text: not a key',
      'aliases: [',
      '    a.example, b.example ]',
      'outgoing:',
      '  - { host: smtp.example.com }',
      '',
    ].join('\n');
    expect(indentationMistakes(text)).toEqual([]);
  });

  it('replaces the parser’s messages about a misindented key with one plain line', () => {
    const text = 'provider:\n  name: Example\n    shortName: Ex\n';
    const parser = [
      {
        line: 2,
        col: 9,
        code: 'BLOCK_AS_IMPLICIT_KEY',
        message: 'Nested mappings are not allowed in compact mappings',
      },
      {
        line: 2,
        col: 9,
        code: 'MULTILINE_IMPLICIT_KEY',
        message: 'Implicit keys need to be on a single line',
      },
    ];
    expect(explainSyntaxErrors(text, parser)).toEqual([
      {
        line: 3,
        col: 5,
        message:
          '`shortName` is indented deeper than the key above it (`name` on line 2), which already has a value: ' +
          'keys of one mapping start in the same column',
      },
    ]);
  });

  it('keeps an unknown parser message, marked as YAML syntax', () => {
    expect(explainSyntaxErrors('a: b\n', [{ line: 1, col: 1, code: 'X', message: 'Something odd' }])).toEqual(
      [{ line: 1, col: 1, message: 'YAML syntax: Something odd' }],
    );
  });
});
