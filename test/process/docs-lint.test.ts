import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/example';

const BIN = join(REPO_ROOT, 'node_modules', '.bin');

/** `npm run lint:docs` on a copy of the README (and its config files) after `change`. */
function lintReadme(change: (text: string) => string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-docs-'));
  try {
    for (const file of ['.markdownlint-cli2.jsonc', '.remarkrc.json'])
      copyFileSync(join(REPO_ROOT, file), join(dir, file));
    // The README links into these; empty stand-ins keep those links resolving in the copy.
    for (const linked of ['config', 'deploy', 'docs', 'test/schemas'])
      mkdirSync(join(dir, linked), { recursive: true });
    for (const file of [
      'deploy/README.md',
      'docs/protocols.md',
      'docs/performance.md',
      'docs/architecture.md',
      'test/schemas/SOURCE.md',
    ])
      writeFileSync(join(dir, file), '# Stand-in\n');
    for (const file of ['config/mail-autoconf.schema.json'])
      copyFileSync(join(REPO_ROOT, file), join(dir, file));
    // The tools load their plugins from the project's packages.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'README.md'), change(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')));
    const lint = spawnSync(join(BIN, 'markdownlint-cli2'), ['README.md'], { cwd: dir, encoding: 'utf8' });
    if (lint.status !== 0) return { status: lint.status, output: `${lint.stdout}${lint.stderr}` };
    const links = spawnSync(
      join(BIN, 'remark'),
      ['--frail', '--quiet', '--no-stdout', '--no-color', 'README.md'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    return { status: links.status, output: `${links.stdout}${links.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the README lint (npm run lint:docs)', () => {
  it('passes the README as it is', () => {
    expect(lintReadme((text) => text)).toEqual({ status: 0, output: '' });
  });

  it('catches an unclosed code fence, which turns the sections after it into code', () => {
    const result = lintReadme((text) => text.replace(/\n```\n\n## Operations/, '\n\n## Operations'));
    expect(result.status).not.toBe(0);
    // The links to the swallowed sections no longer resolve.
    expect(result.output).toContain('MD051/link-fragments');
  });

  it('catches a link to a heading that does not exist, in the README or in another file', () => {
    const here = lintReadme((text) => text.replace('[Operations](#operations)', '[Operations](#operation)'));
    expect(here.status).not.toBe(0);
    expect(here.output).toContain('MD051/link-fragments');
    const there = lintReadme((text) =>
      text.replace('(deploy/README.md)', '(deploy/README.md#no-such-heading)'),
    );
    expect(there.status).not.toBe(0);
    expect(there.output).toContain('Cannot find heading for `#no-such-heading` in `deploy/README.md`');
  });

  it('catches a link to a file that does not exist', () => {
    const result = lintReadme((text) => text.replace('(docs/protocols.md)', '(docs/protocol.md)'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Cannot find file `docs/protocol.md`');
  });
});
