import type { Logger } from 'pino';
import { formatProblem } from '../config/problems';
import type { ConfigHolder, ReloadOutcome } from '../catalog/config-holder';

/** Reloads the config and says in the log what happened; metrics and /readyz read the holder. */
export async function reloadAndReport(
  holder: ConfigHolder,
  logger: Logger,
  trigger: 'SIGHUP' | 'watch',
): Promise<ReloadOutcome> {
  const outcome = await holder.reload();
  const snapshot = holder.snapshot();
  if (outcome.ok) {
    for (const warning of outcome.warnings) logger.warn({ trigger }, formatProblem(warning));
    logger.info(
      { trigger, generation: outcome.generation, domains: snapshot.domains.length },
      'config reloaded',
    );
  } else {
    logger.error(
      { trigger, generation: outcome.generation, errors: outcome.errors.map(formatProblem) },
      'config reload failed; still serving the last good config',
    );
  }
  return outcome;
}
