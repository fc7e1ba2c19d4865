import type { Logger } from 'pino';
import type { ConfigHolder } from '../catalog/config-holder';
import { SourceSet } from '../sources/source-set';

/**
 * Connects the SQL sources of a serving process to its config holder: rows that change are
 * composed into a new snapshot without reading YAML again. Attached even when the config has no
 * sources yet, so that a reload can add some.
 */
export async function startSources(
  holder: ConfigHolder,
  options: { logger: Logger; env: Readonly<Record<string, string | undefined>> },
): Promise<SourceSet> {
  const set = new SourceSet({
    logger: options.logger,
    env: options.env,
    onChange: () => {
      holder.recompose().catch((error: unknown) => {
        options.logger.error({ err: error }, 'could not compose the source rows into the served config');
      });
    },
  });
  await holder.attach(set);
  return set;
}
