import type { Logger } from 'pino';
import type { ConfigStatus } from '../service/config-holder';
import type { Snapshot } from '../service/snapshot';
import type { ServiceMetrics } from './metrics';

/** What route modules get from the app; no module reaches for globals. */
export interface AppContext {
  /** The config in force; called once per request so a reload takes effect for the next one. */
  readonly snapshot: () => Snapshot;
  readonly logger: Logger | undefined;
  readonly now: () => Date;
  /** Config generation and last reload result, for readiness. */
  readonly status: () => ConfigStatus;
  readonly metrics: ServiceMetrics;
  /** False when /metrics is served on its own listen address instead. */
  readonly serveMetrics: boolean;
  /** True once shutdown has begun: readiness fails so balancers stop sending new requests. */
  readonly draining: () => boolean;
}
