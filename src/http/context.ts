import type { Logger } from 'pino';
import type { Snapshot } from '../service/snapshot';

/** What route modules get from the app; no module reaches for globals. */
export interface AppContext {
  /** The config in force; called once per request so a reload takes effect for the next one. */
  readonly snapshot: () => Snapshot;
  readonly logger: Logger | undefined;
  readonly now: () => Date;
}
