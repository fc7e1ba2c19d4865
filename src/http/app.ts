import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { answerAutodiscoverPost, AUTODISCOVER_PATH } from '../service/answers';
import type { Snapshot } from '../service/snapshot';
import type { AppContext } from './context';
import { plain, send } from './respond';
import { POX_BODY_LIMIT, registerProtocolRoutes } from './routes/protocols';
import { securityMiddleware } from './security-headers';

export interface AppDeps {
  readonly snapshot: () => Snapshot;
  readonly logger?: Logger;
  /** Express `trust proxy` setting: which hops may set X-Forwarded-For/-Proto/-Host. Default: none. */
  readonly trustProxy?: boolean | string | number | string[];
  readonly now?: () => Date;
}

/** Each route module registers its own paths; add new protocols and pages here. */
const ROUTE_MODULES: readonly ((app: express.Express, ctx: AppContext) => void)[] = [registerProtocolRoutes];

/**
 * The Express app: request parsing, limits, headers and error mapping. Protocol logic lives in
 * `service/answers`; route modules only adapt HTTP to it. No side effects until the caller listens.
 */
export function createApp(deps: AppDeps): express.Express {
  const ctx: AppContext = {
    snapshot: deps.snapshot,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Express 4's "extended" parser turns ?a[b]=c into objects; only plain strings are accepted.
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(securityMiddleware());

  for (const register of ROUTE_MODULES) register(app, ctx);

  app.use((_req, res) => plain(res, 404, 'Not found.\n'));

  // Express's default handler prints stack traces in development; this one never sends details.
  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const status = (error as { status?: unknown }).status;
    if (status === 413) {
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
  app.use(onError);
  return app;
}
