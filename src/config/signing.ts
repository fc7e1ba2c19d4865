import { readFileSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { createProfileSigner, type ProfileSigner } from '../protocols/apple-signing';
import { keyFileExposure } from './key-permissions';
import type { ConfigProblem } from './problems';
import type { ServiceInput } from './schema';
import type { YamlSource } from './yaml-source';

export interface SigningFiles {
  /** Directory that relative `service.signing` paths start from: the config directory. */
  readonly baseDir: string;
  readonly readFile?: (path: string) => string;
  /** Owner and mode of the key file; no check where the platform has no POSIX modes (Windows). */
  readonly statFile?: (path: string) => Pick<Stats, 'mode' | 'uid'>;
  readonly now?: Date;
}

/**
 * Reads the profile-signing certificate and key named in `service.signing` once per load, so a
 * missing file, a key that does not match, or an encrypted key is a located config error instead of
 * a failure on the first download.
 */
export function loadSigner(
  signing: NonNullable<ServiceInput['signing']>,
  source: YamlSource,
  files: SigningFiles,
): { signer?: ProfileSigner; errors: ConfigProblem[]; warnings: ConfigProblem[] } {
  const read = files.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const problem = (field: string, message: string, severity: 'error' | 'warning' = 'error') =>
    source.problem(['service', 'signing', field], message, { severity });
  const errors: ConfigProblem[] = [];
  const texts: Partial<Record<'certificate' | 'key' | 'chain', string>> = {};
  for (const field of ['certificate', 'key', 'chain'] as const) {
    const path = signing[field];
    if (path === undefined) continue;
    try {
      texts[field] = read(resolve(files.baseDir, path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      errors.push(problem(field, `cannot read ${path}${code ? ` (${code})` : ''}`));
    }
  }
  if (errors.length > 0) return { errors, warnings: [] };
  const result = createProfileSigner(
    {
      certificate: texts.certificate as string,
      key: texts.key as string,
      ...(texts.chain !== undefined && { chain: texts.chain }),
    },
    files.now ?? new Date(),
  );
  if (!result.ok) return { errors: [problem(result.field, result.reason)], warnings: [] };
  // Checked once the file is known to hold the key: a private key anyone on the machine can read
  // lets them sign profiles that devices show as "Verified" (often the service's TLS key, too).
  const stat = files.statFile ?? (process.platform === 'win32' ? undefined : statSync);
  const exposure =
    stat && keyFileExposure(signing.key, stat(resolve(files.baseDir, signing.key)), process.getuid?.());
  if (exposure) return { errors: [problem('key', exposure)], warnings: [] };
  return {
    signer: result.signer,
    errors: [],
    warnings: result.warnings.map((message) => problem('certificate', message, 'warning')),
  };
}
