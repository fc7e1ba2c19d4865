import { createHash } from 'node:crypto';
import type { LoadedConfig } from '../config/load';

/**
 * The config version: a hash of what a replica serves, from the YAML texts and each source's rows
 * (order-independent). Replicas with the same files and the same rows report the same version, so
 * an operator sees at a glance whether all of them have caught up.
 */
export function configVersion(
  config: Pick<LoadedConfig, 'digest'>,
  sources: readonly { label: string; digest: string }[] = [],
): string {
  const hash = createHash('sha256').update(config.digest ?? '');
  for (const source of sources) hash.update(`\n${source.label}\n${source.digest}`);
  return hash.digest('hex').slice(0, 16);
}
