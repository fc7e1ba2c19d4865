import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadCatalogDir } from '../../src/catalog/load';
import { REPO_ROOT } from '../helpers/example';
import { tempDir } from '../helpers/tools';

/**
 * The kubelet mounts a ConfigMap as `..<timestamp>/<key>` files, a `..data` symlink to that
 * directory and one `<key>` symlink per file through it. The Deployment points the server at such
 * a mount, so every file must be read exactly once (not through both the symlink and the target).
 */
function mountLikeKubelet(dir: string, files: Record<string, string>): void {
  const stamp = '..2026_01_02_09_14_03.123456789';
  mkdirSync(join(dir, stamp));
  for (const [key, text] of Object.entries(files)) writeFileSync(join(dir, stamp, key), text);
  symlinkSync(stamp, join(dir, '..data'));
  for (const key of Object.keys(files)) symlinkSync(join('..data', key), join(dir, key));
}

it('loads a config mounted the way the kubelet mounts the base ConfigMap', async () => {
  const base = join(REPO_ROOT, 'deploy', 'kubernetes', 'base');
  const kustomization = parseAllDocuments(
    readFileSync(join(base, 'kustomization.yaml'), 'utf8'),
  )[0]!.toJS() as {
    configMapGenerator: { files: string[] }[];
  };
  const files = Object.fromEntries(
    kustomization.configMapGenerator[0]!.files.map((file) => [
      file.split('/').pop()!,
      readFileSync(join(base, file), 'utf8'),
    ]),
  );
  const dir = tempDir('configmap');
  try {
    mountLikeKubelet(dir.path, files);
    const result = await loadCatalogDir(dir.path);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.config.domains.map((d) => d.domain)).toEqual(['example.com']);
    expect(result.ok && result.config.service.publicHost).toBe('autoconfig.hosting.example');
  } finally {
    dir.remove();
  }
});
