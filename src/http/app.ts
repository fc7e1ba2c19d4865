import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { statusOfSnapshot, type ConfigStatus } from '../catalog/config-holder';
import type { Snapshot } from '../catalog/snapshot';
import { MESSAGES } from '../endpoints/answer';
import type { Endpoint } from '../endpoints/endpoint';
import { SERVICE_ENDPOINTS } from '../endpoints/index';
import { opsEndpoints } from '../endpoints/ops';
import type { TrustSetting } from './client';
import { createFrontDoor, type FrontDoor } from './front-door';
import { ServiceMetrics } from './metrics';
import { createObserver, type RequestObserver } from './observe';

export interface AppDeps {
  readonly snapshot: () => Snapshot;
  readonly logger?: Logger;
  /** Which hops may set X-Forwarded-For/-Proto (as Express's `trust proxy`). Default: none. */
  readonly trustProxy?: TrustSetting;
  readonly now?: () => Date;
  /** Config status for readiness and metrics; default: the snapshot as if never reloaded. */
  readonly status?: () => ConfigStatus;
  /** Shared with a separate metrics listener; default: a registry of this app's own. */
  readonly metrics?: ServiceMetrics;
  /** Serve /metrics on this app (default true); false when it has its own listen address. */
  readonly serveMetrics?: boolean;
  /** Requests per minute per client address on the rate-limited endpoints; undefined: no limit. */
  readonly rateLimitPerMinute?: number;
  readonly draining?: () => boolean;
  /** Default: log and count with `logger` and `metrics`. */
  readonly observe?: RequestObserver;
  /** Key for the `userHash` pseudonym in request logs; without it, logs hold domains only. */
  readonly userHashKey?: string;
}

export interface Service {
  /** The Express app: every request it gets goes through the front door. */
  readonly app: express.Express;
  /** The pre-router for `node:http`, sharing the app's front door (and so its rate-limit buckets). */
  readonly preRoute: FrontDoor['preRoute'];
}

/** Express's default handler prints stack traces in development; this one never sends details. */
function errorHandler(logger: Logger | undefined): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    logger?.error({ err: error }, 'unhandled error while answering a request');
    if (res.headersSent) res.destroy();
    else
      res
        .status(500)
        .set({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
        .end(MESSAGES.internalError);
  };
}

function build(deps: AppDeps, endpoints: (ops: Endpoint[]) => readonly Endpoint[]): Service {
  const status = deps.status ?? (() => statusOfSnapshot(deps.snapshot()));
  const metrics = deps.metrics ?? new ServiceMetrics(status);
  const observe =
    deps.observe ?? createObserver({ logger: deps.logger, metrics, userHashKey: deps.userHashKey });
  const ops = opsEndpoints({
    status,
    draining: deps.draining ?? (() => false),
    ...((deps.serveMetrics ?? true) && {
      metrics: async () => ({
        contentType: metrics.registry.contentType,
        text: await metrics.registry.metrics(),
      }),
    }),
  });
  const logger = deps.logger;
  const door = createFrontDoor({
    endpoints: endpoints(ops),
    snapshot: deps.snapshot,
    observe,
    ...(deps.now && { now: deps.now }),
    ...(deps.trustProxy !== undefined && { trustProxy: deps.trustProxy }),
    ...(deps.rateLimitPerMinute !== undefined && { rateLimitPerMinute: deps.rateLimitPerMinute }),
    ...(logger && {
      onError: (error: unknown) => logger.error({ err: error }, 'unhandled error while answering a request'),
    }),
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // The route table is built from the endpoint list; Express hosts it and catches what escapes.
  app.use((req, res) => door.handle(req, res));
  app.use(errorHandler(deps.logger));
  return { app, preRoute: door.preRoute };
}

/** The server's app and pre-router: every endpoint, the ops probes, and 404 for the rest. */
export function createService(deps: AppDeps): Service {
  return build(deps, (ops) => [...ops, ...SERVICE_ENDPOINTS]);
}

/** The Express app of {@link createService}, for callers that need no pre-router. */
export function createApp(deps: AppDeps): express.Express {
  return createService(deps).app;
}

/** Only /metrics, /healthz and /readyz, for a separate (internal) listen address. */
export function createOpsApp(deps: AppDeps): express.Express {
  return build({ ...deps, serveMetrics: true }, (ops) => ops).app;
}
