import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './example';

const SCHEMAS = join(REPO_ROOT, 'test', 'schemas');
const MOBILESYNC_NS = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

/** Runs xmllint on `xml` given on stdin; returns its verdict and messages. */
function xmllint(args: string[], xml: string): { ok: boolean; output: string } {
  const result = spawnSync('xmllint', ['--noout', ...args, '-'], { input: xml, encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('xmllint is not installed: install the Debian package libxml2-utils (see .ci/setup.d)');
  }
  if (result.error) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/**
 * The MS-ASCMD §6.4 Autodiscover response schema, validating the mobilesync variant too. The
 * published copy lacks the one xs:import of the mobilesync schema that the §6.4 text has (see the
 * test/schemas/SOURCE.md), so a temporary copy gets exactly that line.
 */
export class AutodiscoverXsd {
  private readonly dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-xsd-'));

  constructor() {
    const source = join(SCHEMAS, 'ms-ascmd');
    writeFileSync(
      join(this.dir, 'AutodiscoverMobileSync.xsd'),
      readFileSync(join(source, 'AutodiscoverMobileSync.xsd')),
    );
    const response = readFileSync(join(source, 'AutodiscoverResponse.xsd'), 'utf8').replace(
      /(<xs:schema[^>]*>)/,
      `$1\n<xs:import namespace="${MOBILESYNC_NS}" schemaLocation="AutodiscoverMobileSync.xsd"/>`,
    );
    writeFileSync(join(this.dir, 'AutodiscoverResponse.xsd'), response);
  }

  validate(xml: string): { ok: boolean; output: string } {
    return xmllint(['--schema', join(this.dir, 'AutodiscoverResponse.xsd')], xml);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The autoconfig RELAX NG schema of the IETF draft (permissive: catches structure errors). */
export function validateAutoconfig(xml: string): { ok: boolean; output: string } {
  return xmllint(['--relaxng', join(SCHEMAS, 'autoconfig.rng')], xml);
}
