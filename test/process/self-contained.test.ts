import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../helpers/example';
import { describeWithTools } from '../helpers/tools';

/** Files of the checkout as a clone has them: tracked plus new, minus what .gitignore excludes. */
function checkoutFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return out.split('\0').filter((file) => file !== '' && existsSync(join(REPO_ROOT, file)));
}

// The suites that validate served documents against published schemas: they are the ones that
// once read the schemas from a folder beside the repository.
const SCHEMA_SUITES = ['test/http/mobilesync.test.ts', 'test/http/apple.test.ts'];

describeWithTools(
  [['git', 'Debian package git (.ci/setup.d/05-git.sh)']],
  'the repository stands on its own',
  () => {
    it('names no folder outside itself in code, tests, scripts or CI', () => {
      const offenders = checkoutFiles()
        .filter((file) => /\.(ts|js|mjs|cjs|sh|json|ya?ml)$|^\.ci\//.test(file))
        // This file names the pattern it looks for.
        .filter((file) => file !== 'test/process/self-contained.test.ts')
        .filter((file) => /\.\.\/shared|['"]shared['"]/.test(readFileSync(join(REPO_ROOT, file), 'utf8')));
      expect(offenders).toEqual([]);
    });

    it('has every section of docs/protocols.md that the code cites', () => {
      const sections = new Set(
        [
          ...readFileSync(join(REPO_ROOT, 'docs', 'protocols.md'), 'utf8').matchAll(
            /^#{2,3} (\d+(?:\.\d+)?)\.? /gm,
          ),
        ].map((match) => match[1]),
      );
      const citations = checkoutFiles()
        .filter((file) => /^(src|test|scripts)\/.*\.ts$/.test(file))
        .flatMap((file) =>
          readFileSync(join(REPO_ROOT, file), 'utf8')
            .split('\n')
            .filter((line) => line.includes('protocols.md'))
            .flatMap((line) =>
              [...line.matchAll(/§(\d+(?:\.\d+)?)/g)].map((match) => `${file} §${match[1]}`),
            ),
        );
      expect(citations.length).toBeGreaterThan(30);
      expect(citations.filter((citation) => !sections.has(citation.split(' §')[1]))).toEqual([]);
    });

    it('runs the schema-driven suites in a copy with nothing beside it', () => {
      // <tmp>/clone/repo: the parent holds only the copy, so a path that leaves the repository
      // (a schemas folder next to the checkout, say) finds nothing.
      const parent = mkdtempSync(join(tmpdir(), 'mail-autoconf-clone-'));
      const copy = join(parent, 'repo');
      try {
        for (const file of checkoutFiles()) {
          mkdirSync(dirname(join(copy, file)), { recursive: true });
          copyFileSync(join(REPO_ROOT, file), join(copy, file));
        }
        // Installed packages are not part of a clone; `npm ci` would fetch the same ones.
        symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
        expect(existsSync(join(parent, 'shared'))).toBe(false);

        const jest = spawnSync(
          process.execPath,
          [join(copy, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--colors=false', ...SCHEMA_SUITES],
          { cwd: copy, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
        );
        const output = `${jest.stdout}${jest.stderr}`;
        expect({ status: jest.status, output }).toEqual({
          status: 0,
          output: expect.stringContaining('Tests:'),
        });
        expect(output).toMatch(/Test Suites: 2 passed, 2 total/);
        expect(output).not.toMatch(/ENOENT/);
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    }, 120_000);
  },
);
