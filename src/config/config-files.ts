import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

const YAML_FILE = /\.ya?ml$/i;

export interface ConfigFiles {
  /** Every YAML file to read, each real file once, in a stable order. */
  readonly files: string[];
  /** Links that cannot be followed: they point outside the directory, nowhere, or in a circle. */
  readonly refused: { readonly path: string; readonly reason: string }[];
}

/**
 * All `*.yaml`/`*.yml` files below `dir`. Symbolic links are followed as long as they stay inside
 * the directory (a Kubernetes ConfigMap mount is nothing but links into a hidden directory);
 * one that leads outside is refused by name rather than skipped, so a config never loads as
 * "0 domains" without saying why. A file reached by several names is read once, under the name
 * an admin would look for (the one without hidden directories, then the shortest).
 */
export async function listConfigFiles(dir: string): Promise<ConfigFiles> {
  const root = await realpath(dir);
  const byRealPath = new Map<string, string>();
  const refused: { path: string; reason: string }[] = [];
  /** Real directories being walked: a link to one of them would lead in a circle. */
  const walking = new Set<string>();

  const inside = (real: string) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);

  async function walk(path: string, real: string): Promise<void> {
    if (walking.has(real)) return;
    walking.add(real);
    const entries: Dirent[] = await readdir(path, { withFileTypes: true });
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        await walk(child, join(real, entry.name));
      } else if (entry.isFile()) {
        if (YAML_FILE.test(entry.name)) keep(child, join(real, entry.name));
      } else if (entry.isSymbolicLink()) {
        await follow(child, entry.name);
      }
    }
    walking.delete(real);
  }

  async function follow(link: string, name: string): Promise<void> {
    let target: string;
    let isDirectory: boolean;
    try {
      target = await realpath(link);
      isDirectory = (await stat(target)).isDirectory();
    } catch (error) {
      if (YAML_FILE.test(name)) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        refused.push({ path: link, reason: `a symbolic link that leads nowhere (${code})` });
      }
      return;
    }
    if (!isDirectory && !YAML_FILE.test(name) && !YAML_FILE.test(target)) return;
    if (!inside(target)) {
      refused.push({
        path: link,
        reason: `a symbolic link to ${isDirectory ? 'a directory' : 'a file'} outside the config directory, not read: move or copy ${isDirectory ? 'its files' : 'the file'} into the config directory`,
      });
      return;
    }
    if (isDirectory) await walk(link, target);
    else keep(link, target);
  }

  function keep(path: string, real: string): void {
    const known = byRealPath.get(real);
    if (known === undefined || preferred(relative(dir, path), relative(dir, known)))
      byRealPath.set(real, path);
  }

  await walk(dir, root);
  return {
    files: [...byRealPath.values()].sort(),
    refused: refused.sort((a, b) => a.path.localeCompare(b.path)),
  };
}

function preferred(candidate: string, current: string): boolean {
  const hidden = (path: string) => path.split(sep).some((segment) => segment.startsWith('.'));
  if (hidden(candidate) !== hidden(current)) return !hidden(candidate);
  return candidate.length < current.length || (candidate.length === current.length && candidate < current);
}
