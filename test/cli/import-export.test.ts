import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { autoconfigMeaning } from '../helpers/autoconfig-meaning';
import { REPO_ROOT } from '../helpers/example';
import { validateAutoconfig } from '../helpers/xmllint';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'ispdb');

describe('mail-autoconf import', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-import-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('one file to standard output, exit 0 when everything was carried over', async () => {
    const result = await runCli(['import', join(FIXTURES, 'web.de.xml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('domain: web.de\n');
    expect(result.stderr).toBe('1 provider from 1 file, everything carried over\n');
  });

  it('a directory into --out: one YAML per provider, losses listed with their line, exit 1; the result validates', async () => {
    const out = join(dir, 'config');
    const result = await runCli(['import', FIXTURES, '--out', out], { cwd: REPO_ROOT });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'test/fixtures/ispdb/lossy.example.xml:30: <inputField> not carried over: element has no place in the model\n',
    );
    const written = readdirSync(out).sort();
    expect(written).toContain('gmail.com.yaml');
    expect(written).toContain('lossy.example.yaml');
    const validate = await runCli(['validate', out]);
    expect(validate.stdout).toMatch(/^OK: \d+ domains/);
    expect(validate.code).toBe(0);
    // Again into the same place: nothing is overwritten without --force.
    const again = await runCli(['import', join(FIXTURES, 'web.de.xml'), '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists \(use --force to overwrite\)/);
    expect((await runCli(['import', join(FIXTURES, 'web.de.xml'), '--out', out, '--force'])).code).toBe(0);
  });

  it('refuses hostile input with a clean message, and usage errors exit 2', async () => {
    const hostile = await runCli(['import', join(FIXTURES, 'hostile', 'billion-laughs.xml')]);
    expect(hostile.code).toBe(1);
    expect(hostile.stderr).toMatch(
      /billion-laughs\.xml:2: not imported: DTDs and entity declarations are not accepted/,
    );
    expect(hostile.stdout).toBe('');
    expect((await runCli(['import'])).code).toBe(2);
    expect((await runCli(['import', join(dir, 'missing.xml')])).code).toBe(2);
    expect((await runCli(['import', FIXTURES])).code).toBe(2); // several files, no --out
    writeFileSync(join(dir, 'big.xml'), `<clientConfig>${' '.repeat(2 * 1024 * 1024)}</clientConfig>`);
    const big = await runCli(['import', join(dir, 'big.xml')]);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/not imported: larger than 1048576 bytes/);
  });
});

describe('mail-autoconf export --format ispdb', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the ISPDB file of a domain with all its aliases, valid, meaning what was imported', async () => {
    const out = join(dir, 'config');
    await runCli(['import', join(FIXTURES, 'hoster.example.xml'), '--out', out]);
    const result = await runCli(['export', 'customer-one.example', '--format', 'ispdb', '--config', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/customer-one\.example is an alias of hoster\.example/);
    const original = readFileSync(join(FIXTURES, 'hoster.example.xml'), 'utf8');
    // The ISPDB keeps placeholders as written, webmail host included.
    expect(result.stdout).toContain('<loginPage url="https://webmail.%EMAILDOMAIN%/"/>');
    expect(result.stdout).toContain('<hostname>mail.%EMAILDOMAIN%</hostname>');
    expect(result.stdout).toContain('<displayShortName>%EMAILDOMAIN%</displayShortName>');
    expect(autoconfigMeaning(result.stdout, 'customer-two.example')).toEqual(
      autoconfigMeaning(original, 'customer-two.example'),
    );
    expect(validateAutoconfig(result.stdout).ok).toBe(true);
    expect(result.stdout).not.toMatch(/clientConfigUpdate|autoconfig\.|autodiscover/);
  });

  it('exports the shipped example with every alias as a <domain>', async () => {
    const result = await runCli([
      'export',
      'example.com',
      '--format',
      'ispdb',
      '--config',
      join(REPO_ROOT, 'config'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<domain>example.com</domain>');
    expect(result.stdout).toContain('<domain>example.org</domain>');
  });

  it('usage errors exit 2; an unknown domain exits 1', async () => {
    expect((await runCli(['export', 'example.com'])).code).toBe(2);
    expect((await runCli(['export', 'example.com', '--format', 'nope'])).code).toBe(2);
    const unknown = await runCli([
      'export',
      'nowhere.example',
      '--format',
      'ispdb',
      '--config',
      join(REPO_ROOT, 'config'),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nowhere\.example is not in the config/);
  });
});
