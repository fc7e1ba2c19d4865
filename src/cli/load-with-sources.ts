import type { CatalogConfig } from '../catalog/load';
import { composeOnce, type ComposedOnce } from '../sources/compose-once';
import { EXIT } from './exit-codes';
import { CliExit, type CliIo } from './io';
import { loadOrExit } from './load-or-exit';

/** A loaded config whose DNS view, when absent, is built by the snapshot for all its domains. */
export type SourcedConfig = Omit<CatalogConfig, 'dns'> & { readonly dns?: CatalogConfig['dns'] };

/**
 * The config with the domains of its SQL sources, for commands that print or export answers. A
 * source that cannot be read ends the command (its output would silently miss domains); rows with
 * errors are reported on stderr and left out, as the server does.
 */
export async function loadWithSourcesOrExit(
  dir: string,
  io: CliIo,
  options: { quietWarnings?: boolean } = {},
): Promise<{ config: SourcedConfig; composed: ComposedOnce | undefined }> {
  const config = await loadOrExit(dir, io, options);
  if (!config.sources) return { config, composed: undefined };
  const composed = await composeOnce(config, io.env);
  for (const failure of composed.failures) io.stderr.write(`${failure}\n`);
  if (composed.failures.length > 0) {
    throw new CliExit(
      EXIT.failed,
      `${composed.failures.length} source${composed.failures.length === 1 ? '' : 's'} could not be read`,
    );
  }
  for (const problem of composed.problems) io.stderr.write(`${problem}\n`);
  // The loader's DNS view covers the YAML domains only; the snapshot builds one for all of them.
  const merged: SourcedConfig = { ...config, domains: composed.domains };
  delete (merged as { dns?: unknown }).dns;
  return { config: merged, composed };
}
