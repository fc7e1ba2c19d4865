import { mkdir, readFile, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { answerAutoconfig } from '../service/answers';
import type { Snapshot } from '../service/snapshot';

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

export function* autoconfigFiles(snapshot: Snapshot): Generator<StaticFile> {
  for (const settings of snapshot.domains) {
    for (const name of [settings.domain, ...settings.aliases]) {
      if (!SAFE_NAME.test(name))
        throw new Error(`refusing to write a file for the name ${JSON.stringify(name)}`);
      // The answer for a request from that host, through the server's own answer function.
      const answer = answerAutoconfig(snapshot, { emailaddress: undefined, host: `autoconfig.${name}` });
      if (answer.status !== 200) continue;
      yield { path: `autoconfig.${name}/${AUTOCONFIG_FILE_PATHS.autoconfigHost}`, body: answer.body };
      yield { path: `${name}/${AUTOCONFIG_FILE_PATHS.domainHost}`, body: answer.body };
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

/** Writes `body` only when it differs, through a temporary file, so a reader never sees half a file. */
async function writeIfChanged(path: string, body: Buffer): Promise<boolean> {
  const existing = await readIfExists(path);
  if (existing?.equals(body)) return false;
  await mkdir(dirname(path), { recursive: true });
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
  for (const file of files) {
    current.push(file.path);
    previous.delete(file.path);
    if (await writeIfChanged(join(dir, ...file.path.split('/')), file.body)) written++;
    else unchanged++;
  }
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
