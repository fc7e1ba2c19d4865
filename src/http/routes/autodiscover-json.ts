import type { Express, Request, Response } from 'express';
import {
  answerAutodiscoverJson,
  AUTODISCOVER_JSON_PATH,
  AUTODISCOVER_JSON_V1_PREFIX,
} from '../../service/autodiscover-json-answers';
import type { AppContext } from '../context';
import { queryParam } from '../query';
import { methodNotAllowed, send } from '../respond';

/** Autodiscover v2 JSON in both URL forms (protocols.md §2.8). Express routing ignores path case. */
export function registerAutodiscoverJsonRoutes(app: Express, ctx: AppContext): void {
  const v1 = `${AUTODISCOVER_JSON_V1_PREFIX}:address`;
  app.get(v1, (req: Request<{ address: string }>, res: Response) => {
    send(
      res,
      answerAutodiscoverJson(ctx.snapshot(), {
        address: req.params.address,
        protocol: queryParam(req.query, 'protocol'),
      }),
    );
  });
  app.get(AUTODISCOVER_JSON_PATH, (req: Request, res: Response) => {
    send(
      res,
      answerAutodiscoverJson(ctx.snapshot(), {
        address: queryParam(req.query, 'email'),
        protocol: queryParam(req.query, 'protocol'),
      }),
    );
  });
  app.all([v1, AUTODISCOVER_JSON_PATH], methodNotAllowed('GET, HEAD'));
}
