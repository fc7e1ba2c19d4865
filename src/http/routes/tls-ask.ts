import type { Express, Request, Response } from 'express';
import { answerTlsAsk, TLS_ASK_PATH } from '../../service/tls-ask';
import type { AppContext } from '../context';
import { methodNotAllowed, send } from '../respond';

/**
 * Caddy's on-demand TLS asks `GET <ask URL>?domain=<name>`. The proxies in deploy/ keep this path
 * away from the public side; it reveals no more than the autoconfig answers do, but it is meant
 * for the proxy alone.
 */
export function registerTlsAskRoute(app: Express, ctx: AppContext): void {
  app.get(TLS_ASK_PATH, (req: Request, res: Response) => {
    send(res, answerTlsAsk(ctx.snapshot(), { domain: req.query.domain }));
  });
  app.all(TLS_ASK_PATH, methodNotAllowed('GET, HEAD'));
}
