import express, { type Express, type Request, type Response } from 'express';
import {
  answerAutoconfig,
  answerAutodiscoverGet,
  answerAutodiscoverPost,
  AUTOCONFIG_PATHS,
  AUTODISCOVER_PATH,
} from '../../service/answers';
import { httpsHint } from '../../service/autodiscover-get';
import type { AppContext } from '../context';
import { methodNotAllowed, send } from '../respond';

/** Real requests are ~400 bytes (protocols.md §5.1). */
export const POX_BODY_LIMIT = 16 * 1024;

/** Mozilla autoconfig (both URL forms) and POX Autodiscover. Express routing ignores path case. */
export function registerProtocolRoutes(app: Express, ctx: AppContext): void {
  app.get([...AUTOCONFIG_PATHS], (req: Request, res: Response) => {
    send(
      res,
      answerAutoconfig(ctx.snapshot(), { emailaddress: req.query.emailaddress, host: req.get('host') }),
    );
  });
  app.all([...AUTOCONFIG_PATHS], methodNotAllowed('GET, HEAD'));

  app.post(
    AUTODISCOVER_PATH,
    express.raw({ type: () => true, limit: POX_BODY_LIMIT }),
    (req: Request, res: Response) => {
      const body: unknown = req.body;
      send(
        res,
        answerAutodiscoverPost(ctx.snapshot(), {
          body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
          now: ctx.now(),
        }),
      );
    },
  );
  app.get(AUTODISCOVER_PATH, (req: Request, res: Response) => {
    send(
      res,
      answerAutodiscoverGet(ctx.snapshot(), {
        host: req.get('host'),
        secure: req.secure,
        httpsHint: httpsHint(req.headers),
        now: ctx.now(),
      }),
    );
  });
  app.all(AUTODISCOVER_PATH, methodNotAllowed('GET, HEAD, POST'));
}
