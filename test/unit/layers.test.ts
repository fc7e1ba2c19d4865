import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The import-floor rule is only worth having if it fails: lint a throwaway tree with the same
 * rule configuration the repository uses (eslint.layers.js), once with a deliberate cycle and once
 * with an upward import, and see both refused while a clean tree passes.
 */

const REPO = join(__dirname, '..', '..');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'layers-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}

/** Runs the ESLint CLI on the throwaway tree with the repository's layer rule. */
function lint(): string[] {
  writeFileSync(
    join(root, 'eslint.config.cjs'),
    `const { layerRules } = require(${JSON.stringify(join(REPO, 'eslint.layers.js'))});
const { parser } = require(${JSON.stringify(require.resolve('typescript-eslint', { paths: [REPO] }))});
module.exports = [{ files: ['**/*.ts'], languageOptions: { parser } }, layerRules('src')];
`,
  );
  const eslint = join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js');
  let output: string;
  try {
    output = execFileSync(process.execPath, [eslint, '--format', 'json', 'src'], {
      cwd: root,
      encoding: 'utf8',
    });
  } catch (error) {
    // Exit code 1 means problems were found; the JSON report is on stdout all the same.
    output = (error as { stdout: string }).stdout;
  }
  const results = JSON.parse(output) as { messages: { ruleId: string | null; message: string }[] }[];
  return results.flatMap((result) =>
    result.messages.map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`),
  );
}

describe('the import-floor lint rule', () => {
  it('passes a tree whose imports only go down', () => {
    write({
      'src/core/a.ts': 'export const A = 1;\n',
      'src/config/b.ts': "import { A } from '../core/a';\nexport const B = A;\n",
      'src/catalog/c.ts': "import { B } from '../config/b';\nexport const C = B;\n",
    });
    expect(lint()).toEqual([]);
  });

  it('fails on a deliberately added import cycle', () => {
    write({
      'src/endpoints/a.ts': "import { B } from './b';\nexport const A = () => B;\n",
      'src/endpoints/b.ts': "import { A } from './a';\nexport const B = () => A;\n",
    });
    expect(lint()).toContainEqual(expect.stringMatching(/^import\/no-cycle: Dependency cycle detected/));
  });

  it('fails on an upward import (config reaching for the catalog)', () => {
    write({
      'src/catalog/c.ts': 'export const C = 1;\n',
      'src/config/b.ts': "import { C } from '../catalog/c';\nexport const B = C;\n",
    });
    expect(lint()).toEqual([
      expect.stringMatching(/^import\/no-restricted-paths: .*config may import only core/),
    ]);
  });
});
