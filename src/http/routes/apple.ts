import type { Express, Request, Response } from 'express';
import {
  answerMobileconfig,
  answerProfileQr,
  MOBILECONFIG_ALIAS_PATH,
  MOBILECONFIG_PATH,
  MOBILECONFIG_QR_PATH,
} from '../../service/apple-answers';
import type { AppContext } from '../context';
import { queryParam } from '../query';
import { methodNotAllowed, send } from '../respond';

/** `emailaddress` as automx2 and autoconfig name it, or the shorter `email` of the alias. */
const address = (req: Request): unknown =>
  queryParam(req.query, 'emailaddress') ?? queryParam(req.query, 'email');

/** Apple configuration profiles and the QR code of their link (protocols.md §4). */
export function registerAppleRoutes(app: Express, ctx: AppContext): void {
  const paths = [MOBILECONFIG_PATH, MOBILECONFIG_ALIAS_PATH];
  app.get(paths, (req: Request, res: Response) => {
    send(
      res,
      answerMobileconfig(ctx.snapshot(), {
        emailaddress: address(req),
        now: ctx.now(),
      }),
    );
  });
  app.get(MOBILECONFIG_QR_PATH, async (req: Request, res: Response) => {
    send(res, await answerProfileQr(ctx.snapshot(), { emailaddress: address(req) }));
  });
  app.all([...paths, MOBILECONFIG_QR_PATH], methodNotAllowed('GET, HEAD'));
}
