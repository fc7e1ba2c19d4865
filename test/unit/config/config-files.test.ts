import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigDir } from '../../../src/config/load';
import { runCli } from '../../helpers/cli';

const domain = (name: string) =>
  `domain: ${name}\nincoming: [{ type: imap, host: imap.${name}, security: tls }]\noutgoing: [{ host: smtp.${name}, security: tls }]\n`;

let work: string;
let dir: string;
let outside: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'mail-autoconf-links-'));
  dir = join(work, 'config');
  outside = join(work, 'elsewhere');
  mkdirSync(dir);
  mkdirSync(outside);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

async function domainsLoaded(): Promise<string[] | string[][]> {
  const result = await loadConfigDir(dir, { displayBase: dir });
  if (!result.ok) return [result.errors.map((e) => `${e.file}: ${e.message}`)];
  return result.config.domains.map((d) => d.domain);
}

describe('security review #13: symbolic links in the config directory are followed or reported, never skipped', () => {
  it('follows a link to a file inside the directory, and reads the file once', async () => {
    mkdirSync(join(dir, 'store'));
    writeFileSync(join(dir, 'store', 'one.conf'), domain('one.example'));
    writeFileSync(join(dir, 'store', 'two.yaml'), domain('two.example'));
    symlinkSync(join('store', 'one.conf'), join(dir, 'one.yaml'));
    symlinkSync(join('store', 'two.yaml'), join(dir, 'two.yaml'));
    expect(await domainsLoaded()).toEqual(['one.example', 'two.example']);
  });

  it('follows a link to a directory inside, naming files by the visible path', async () => {
    mkdirSync(join(dir, '.versions', 'v2'), { recursive: true });
    writeFileSync(join(dir, '.versions', 'v2', 'broken.yaml'), 'domain: [\n');
    symlinkSync(join('.versions', 'v2'), join(dir, 'domains'));
    expect(await domainsLoaded()).toEqual([[expect.stringMatching(/^domains\/broken\.yaml: /)]]);
  });

  it('reports a link to a file outside the directory', async () => {
    writeFileSync(join(outside, 'real.yaml'), domain('real.example'));
    symlinkSync(join(outside, 'real.yaml'), join(dir, 'linked.yaml'));
    expect(await domainsLoaded()).toEqual([
      [
        'linked.yaml: a symbolic link to a file outside the config directory, not read: move or copy the file into the config directory',
      ],
    ]);
  });

  it('reports a link to a directory outside the directory', async () => {
    writeFileSync(join(dir, 'service.yaml'), domain('inside.example'));
    writeFileSync(join(outside, 'a.yaml'), domain('a.example'));
    symlinkSync(outside, join(dir, 'domains'));
    expect(await domainsLoaded()).toEqual([
      [
        'domains: a symbolic link to a directory outside the config directory, not read: move or copy its files into the config directory',
      ],
    ]);
  });

  it('reports a link that leads nowhere', async () => {
    symlinkSync('missing.yaml', join(dir, 'gone.yaml'));
    expect(await domainsLoaded()).toEqual([['gone.yaml: a symbolic link that leads nowhere (ENOENT)']]);
  });

  it('survives a link back to the directory itself', async () => {
    writeFileSync(join(dir, 'one.yaml'), domain('one.example'));
    symlinkSync('.', join(dir, 'loop'));
    expect(await domainsLoaded()).toEqual(['one.example']);
  });

  it('validate says why instead of "OK: 0 domains"', async () => {
    writeFileSync(join(outside, 'real.yaml'), domain('real.example'));
    symlinkSync(join(outside, 'real.yaml'), join(dir, 'linked.yaml'));
    const result = await runCli(['validate', dir], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('linked.yaml:1:1 a symbolic link to a file outside the config directory');
  });
});
