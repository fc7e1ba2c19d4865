import type { Express, NextFunction, Request, Response } from 'express';
import { ASSET_PREFIX } from '../../pages/assets';
import { answerPageAsset, answerSettingsPage, SETTINGS_PAGE_PATHS } from '../../service/settings-page';
import type { AppContext } from '../context';
import { methodNotAllowed, send } from '../respond';

/** The settings page for people, on every host, and its two static files. */
export function registerSettingsPageRoutes(app: Express, ctx: AppContext): void {
  app.get([...SETTINGS_PAGE_PATHS], (req: Request, res: Response) => {
    send(
      res,
      answerSettingsPage(ctx.snapshot(), {
        email: req.query.email,
        lang: req.query.lang,
        acceptLanguage: req.get('accept-language'),
        host: req.get('host'),
      }),
    );
  });
  app.all([...SETTINGS_PAGE_PATHS], methodNotAllowed('GET, HEAD'));

  app.get(`${ASSET_PREFIX}:file`, (req: Request, res: Response, next: NextFunction) => {
    const answer = answerPageAsset(req.path);
    if (answer) send(res, answer);
    else next();
  });
}
