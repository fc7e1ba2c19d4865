import type { Express, Request, Response } from 'express';
import { sourcesReadiness } from '../../sources/readiness';
import type { AppContext } from '../context';
import { OPS_PATHS } from '../observe';
import { methodNotAllowed } from '../respond';

const NO_STORE = { 'Cache-Control': 'no-store' };

function json(res: Response, status: number, body: unknown): void {
  res.status(status).set(NO_STORE).type('application/json').send(JSON.stringify(body));
}

/**
 * Liveness, readiness and Prometheus metrics. The paths are fixed because probes, container
 * health checks and proxies are written against them.
 */
export function registerOpsRoutes(app: Express, ctx: AppContext): void {
  app.get(OPS_PATHS.health, (_req: Request, res: Response) => json(res, 200, { status: 'alive' }));
  app.all(OPS_PATHS.health, methodNotAllowed('GET, HEAD'));

  app.get(OPS_PATHS.ready, (_req: Request, res: Response) => {
    const status = ctx.status();
    const sources = sourcesReadiness(status.sources ?? []);
    const detail = {
      ...(status.version !== undefined && { version: status.version }),
      generation: status.generation,
      loadedAt: status.loadedAt.toISOString(),
      domains: status.domains,
      names: status.names,
      lastReload: {
        at: status.lastAttempt.at.toISOString(),
        ok: status.lastAttempt.ok,
        errors: status.lastErrors,
      },
      ...(status.sources && { sources: sources.sources }),
    };
    // A failed reload leaves the last good config serving, so the server stays ready; the
    // detail says what went wrong.
    if (ctx.draining()) json(res, 503, { status: 'draining', ...detail });
    else if (!sources.ready) json(res, 503, { status: 'not-ready', reasons: sources.reasons, ...detail });
    else json(res, 200, { status: 'ready', ...detail });
  });
  app.all(OPS_PATHS.ready, methodNotAllowed('GET, HEAD'));

  if (!ctx.serveMetrics) return;
  app.get(OPS_PATHS.metrics, async (_req: Request, res: Response) => {
    const text = await ctx.metrics.registry.metrics();
    res.status(200).set(NO_STORE).set('Content-Type', ctx.metrics.registry.contentType).send(text);
  });
  app.all(OPS_PATHS.metrics, methodNotAllowed('GET, HEAD'));
}
