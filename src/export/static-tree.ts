import { mkdir, readFile, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { DomainSettings } from '../core/settings';
import { renderAutoconfig } from '../protocols/mozilla';

/**
 * The Mozilla autoconfig documents as a static tree, for any web server or CDN: for every domain
 * and alias, the document at both URL forms clients ask, named by the host they ask it from:
 *
 *   DIR/autoconfig.<domain>/mail/config-v1.1.xml
 *   DIR/<domain>/.well-known/autoconfig/mail/config-v1.1.xml
 *
 * so a web server whose document root is `DIR/<Host>` serves both. The bytes are the answer the
 * server itself sends for that host (the document keeps its %EMAILADDRESS% placeholders, so it
 * does not depend on the address asked for).
 */

export const AUTOCONFIG_FILE_PATHS = {
  autoconfigHost: 'mail/config-v1.1.xml',
  domainHost: '.well-known/autoconfig/mail/config-v1.1.xml',
} as const;

/** Files this export wrote last time, so a later run removes only its own files. */
export const MANIFEST = '.mail-autoconf-export.json';
/** The web server snippets go here: not a host name, so never a document root. */
export const SNIPPET_DIR = '_server';

export interface StaticFile {
  /** Relative to the export directory, with `/` separators. */
  readonly path: string;
  readonly body: Buffer;
}

/** Served names are normalised (lower-case LDH, punycode): this only guards the file system. */
const SAFE_NAME = /^(?!.*\.\.)[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

export function* autoconfigFiles(domains: readonly DomainSettings[]): Generator<StaticFile> {
  for (const settings of domains) {
    // The renderer the server's answer is prepared with (the same document for every alias),
    // without preparing the other answers the server keeps per domain, which would cost ten
    // times as much. A test compares every file with what the running server sends.
    const body = Buffer.from(renderAutoconfig(settings), 'utf8');
    for (const name of [settings.domain, ...settings.aliases]) {
      if (!SAFE_NAME.test(name))
        throw new Error(`refusing to write a file for the name ${JSON.stringify(name)}`);
      yield { path: `autoconfig.${name}/${AUTOCONFIG_FILE_PATHS.autoconfigHost}`, body };
      yield { path: `${name}/${AUTOCONFIG_FILE_PATHS.domainHost}`, body };
    }
  }
}

export interface ExportCounts {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    )
      return undefined;
    throw error;
  }
}

/** Files handled at once: the work is file system calls, which overlap well. */
const CONCURRENCY = 64;

/** Writes `body` only when it differs, through a temporary file, so a reader never sees half a file. */
async function writeIfChanged(path: string, body: Buffer, made?: Set<string>): Promise<boolean> {
  const existing = await readIfExists(path);
  if (existing?.equals(body)) return false;
  const parent = dirname(path);
  if (!made?.has(parent)) {
    await mkdir(parent, { recursive: true });
    made?.add(parent);
  }
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, body);
  await rename(temporary, path);
  return true;
}

async function previousManifest(dir: string): Promise<string[]> {
  const text = await readIfExists(join(dir, MANIFEST));
  if (!text) return [];
  try {
    const parsed = JSON.parse(text.toString('utf8')) as { files?: unknown };
    return Array.isArray(parsed.files) ? parsed.files.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Writes the tree and the snippets into `dir`. A file whose bytes did not change is not touched
 * (its mtime stays, so a sync to a CDN uploads only what changed); files of names no longer served
 * that an earlier run wrote are removed. Nothing else in `dir` is touched.
 */
export async function writeStaticTree(dir: string, files: Iterable<StaticFile>): Promise<ExportCounts> {
  const previous = new Set(await previousManifest(dir));
  const current: string[] = [];
  let written = 0;
  let unchanged = 0;
  const made = new Set<string>();
  let batch: Promise<boolean>[] = [];
  const settle = async () => {
    for (const changed of await Promise.all(batch)) {
      if (changed) written++;
      else unchanged++;
    }
    batch = [];
  };
  for (const file of files) {
    current.push(file.path);
    previous.delete(file.path);
    batch.push(writeIfChanged(join(dir, ...file.path.split('/')), file.body, made));
    if (batch.length >= CONCURRENCY) await settle();
  }
  await settle();
  let removed = 0;
  for (const stale of previous) {
    if (stale.split('/').includes('..')) continue;
    const path = join(dir, ...stale.split('/'));
    try {
      await unlink(path);
      removed++;
    } catch {
      continue;
    }
    // Empty directories left behind go too, up to the export directory.
    for (
      let parent = dirname(path);
      parent.startsWith(dir + sep) && parent !== dir;
      parent = dirname(parent)
    ) {
      try {
        await rmdir(parent);
      } catch {
        break;
      }
    }
  }
  await writeIfChanged(
    join(dir, MANIFEST),
    Buffer.from(`${JSON.stringify({ generator: 'mail-autoconf export --static', files: current })}\n`),
  );
  return { written, unchanged, removed };
}
