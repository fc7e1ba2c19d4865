import { readFileSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
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

/** The PEM texts named in `service.signing`; the catalog makes the signer of them. */
export interface SigningTexts {
  readonly certificate: string;
  readonly key: string;
  readonly chain?: string;
  /**
   * Why the key file is too open for a private key, when it is. Reported once the file is known to
   * hold the key (a private key anyone on the machine can read lets them sign profiles that devices
   * show as "Verified", and it is often the service's TLS key too).
   */
  readonly keyExposure?: string;
}

export type SigningField = 'certificate' | 'key' | 'chain';

/**
 * Reads the profile-signing certificate and key named in `service.signing` once per load, so a
 * missing file is a located config error instead of a failure on the first download.
 */
export function readSigningFiles(
  signing: NonNullable<ServiceInput['signing']>,
  source: YamlSource,
  files: SigningFiles,
): { texts?: SigningTexts; errors: ConfigProblem[] } {
  const read = files.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const errors: ConfigProblem[] = [];
  const texts: Partial<Record<SigningField, string>> = {};
  for (const field of ['certificate', 'key', 'chain'] as const) {
    const path = signing[field];
    if (path === undefined) continue;
    try {
      texts[field] = read(resolve(files.baseDir, path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      errors.push(
        source.problem(['service', 'signing', field], `cannot read ${path}${code ? ` (${code})` : ''}`),
      );
    }
  }
  if (errors.length > 0) return { errors };
  const stat = files.statFile ?? (process.platform === 'win32' ? undefined : statSync);
  const keyExposure =
    stat && keyFileExposure(signing.key, stat(resolve(files.baseDir, signing.key)), process.getuid?.());
  return {
    texts: {
      certificate: texts.certificate as string,
      key: texts.key as string,
      ...(texts.chain !== undefined && { chain: texts.chain }),
      ...(keyExposure !== undefined && { keyExposure }),
    },
    errors,
  };
}
