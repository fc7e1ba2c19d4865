import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { answerAutodiscoverPost, AUTODISCOVER_PATH, type AnswerMeta } from '../service/answers';
import { statusOfSnapshot, type ConfigStatus } from '../service/config-holder';
import type { Snapshot } from '../service/snapshot';
import type { AppContext } from './context';
import { inputRules } from './input-rules';
import { ServiceMetrics } from './metrics';
import { createObserver, type RequestObserver } from './observe';
import { rateLimitPerClient } from './rate-limit';
import { plain, send } from './respond';
import { registerAppleRoutes } from './routes/apple';
import { registerAutodiscoverJsonRoutes } from './routes/autodiscover-json';
import { registerOpsRoutes } from './routes/ops';
import { POX_BODY_LIMIT, registerProtocolRoutes } from './routes/protocols';
import { registerSettingsPageRoutes } from './routes/settings-page';
import { registerTlsAskRoute } from './routes/tls-ask';
import { securityMiddleware } from './security-headers';

export interface AppDeps {
  readonly snapshot: () => Snapshot;
  readonly logger?: Logger;
  /** Express `trust proxy` setting: which hops may set X-Forwarded-For/-Proto/-Host. Default: none. */
  readonly trustProxy?: boolean | string | number | string[];
  readonly now?: () => Date;
  /** Config status for readiness and metrics; default: the snapshot as if never reloaded. */
  readonly status?: () => ConfigStatus;
  /** Shared with a separate metrics listener; default: a registry of this app's own. */
  readonly metrics?: ServiceMetrics;
  /** Serve /metrics on this app (default true); false when it has its own listen address. */
  readonly serveMetrics?: boolean;
  /** Requests per minute per client IP on the protocol endpoints; undefined: no limit. */
  readonly rateLimitPerMinute?: number;
  readonly draining?: () => boolean;
  /** Default: log and count with `logger` and `metrics`. */
  readonly observe?: RequestObserver;
  /** Key for the `userHash` pseudonym in request logs; without it, logs hold domains only. */
  readonly userHashKey?: string;
}

/** Each route module registers its own paths; add new protocols and pages here. */
const ROUTE_MODULES: readonly ((app: express.Express, ctx: AppContext) => void)[] = [
  registerOpsRoutes,
  registerProtocolRoutes,
  registerSettingsPageRoutes,
  registerAutodiscoverJsonRoutes,
  registerAppleRoutes,
  registerTlsAskRoute,
];

function contextOf(deps: AppDeps): AppContext {
  const status = deps.status ?? (() => statusOfSnapshot(deps.snapshot()));
  return {
    snapshot: deps.snapshot,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    status,
    metrics: deps.metrics ?? new ServiceMetrics(status),
    serveMetrics: deps.serveMetrics ?? true,
    draining: deps.draining ?? (() => false),
  };
}

/** Reports every request once it is over, whichever way it ended (answered, refused, aborted). */
function observing(observe: RequestObserver): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    res.once('close', () => observe(req, res, res.locals.answerMeta as AnswerMeta | undefined, startedAt));
    next();
  };
}

function baseApp(ctx: AppContext, deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Express 4's "extended" parser turns ?a[b]=c into objects; only plain strings are accepted.
  app.set('query parser', 'simple');
  const observe =
    deps.observe ??
    createObserver({ logger: ctx.logger, metrics: ctx.metrics, userHashKey: deps.userHashKey });
  app.use(observing(observe));
  app.use(securityMiddleware());
  return app;
}

/** Express's default handler prints stack traces in development; this one never sends details. */
function errorHandler(ctx: AppContext): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const status = (error as { status?: unknown } | null)?.status;
    if (res.headersSent) {
      res.destroy();
    } else if (status === 413) {
      plain(res, 413, `Request body too large: the limit is ${POX_BODY_LIMIT / 1024} KiB.\n`);
    } else if (
      typeof status === 'number' &&
      status >= 400 &&
      status < 500 &&
      req.path.toLowerCase() === AUTODISCOVER_PATH
    ) {
      // An unreadable POX body (bad encoding, aborted upload) is an invalid request to Autodiscover.
      send(res, answerAutodiscoverPost(ctx.snapshot(), { body: Buffer.alloc(0), now: ctx.now() }));
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      plain(res, status, 'Bad request.\n');
    } else {
      ctx.logger?.error({ err: error }, 'unhandled error while answering a request');
      plain(res, 500, 'Internal server error.\n');
    }
  };
}

/**
 * The Express app: request parsing, limits, headers and error mapping. Protocol logic lives in
 * `service/answers`; route modules only adapt HTTP to it. No side effects until the caller listens.
 */
export function createApp(deps: AppDeps): express.Express {
  const ctx = contextOf(deps);
  const app = baseApp(ctx, deps);
  app.set('trust proxy', deps.trustProxy ?? false);
  if (deps.rateLimitPerMinute !== undefined) app.use(rateLimitPerClient(deps.rateLimitPerMinute));
  app.use(inputRules(ctx));

  for (const register of ROUTE_MODULES) register(app, ctx);

  app.use((_req, res) => plain(res, 404, 'Not found.\n'));
  app.use(errorHandler(ctx));
  return app;
}

/** Only /metrics, /healthz and /readyz, for a separate (internal) listen address. */
export function createOpsApp(deps: AppDeps): express.Express {
  const ctx = { ...contextOf(deps), serveMetrics: true };
  const app = baseApp(ctx, deps);
  registerOpsRoutes(app, ctx);
  app.use((_req, res) => plain(res, 404, 'Not found.\n'));
  app.use(errorHandler(ctx));
  return app;
}
