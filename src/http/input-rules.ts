import type { RequestHandler, Response } from 'express';
import { answerAutodiscoverPost, AUTODISCOVER_PATH } from '../service/answers';
import { AUTODISCOVER_JSON_PATH, AUTODISCOVER_JSON_V1_PREFIX } from '../service/autodiscover-json-answers';
import { SETTINGS_PAGE_PATHS } from '../service/settings-page';
import type { AppContext } from './context';
import { plain, send } from './respond';

/**
 * Media types a POX body may be labelled with (protocols.md §2.2): Thunderbird and Outlook send
 * `text/xml`, others `application/xml`, some nothing. `text/plain` is tolerated for hand-made
 * requests. Anything else (forms, multipart uploads, JSON) is not an Autodiscover request at all.
 */
const POX_MEDIA_TYPES = new Set(['text/xml', 'application/xml', 'text/plain']);

export const MESSAGES = {
  badQuery: 'Bad request: every query parameter must be given once, as plain text.\n',
  badMediaType: 'Unsupported Content-Type: send the Autodiscover request as text/xml.\n',
} as const;

function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return (header.split(';', 1)[0] as string).trim().toLowerCase();
}

export function acceptsPoxMediaType(header: string | undefined): boolean {
  const type = mediaType(header);
  return type === undefined || type === '' || POX_MEDIA_TYPES.has(type) || /^[a-z]+\/[^/]+\+xml$/.test(type);
}

/**
 * Endpoints whose answer functions take query values as `unknown` and refuse a repeated one in
 * their own error form (Autodiscover v2's JSON, the settings page's form). Their clients read that
 * form, so the generic plain-text refusal must not pre-empt it.
 */
function refusesBadQueryItself(path: string): boolean {
  const lower = path.toLowerCase();
  return (
    lower === AUTODISCOVER_JSON_PATH ||
    lower.startsWith(AUTODISCOVER_JSON_V1_PREFIX) ||
    (SETTINGS_PAGE_PATHS as readonly string[]).includes(lower)
  );
}

/**
 * Everything a request must satisfy before any handler sees it, in one place. Autodiscover
 * requests are refused in Autodiscover's own error form (document 600, HTTP 200) so clients read
 * the code they expect; other paths get a short plain-text 4xx. No message repeats request data.
 */
export function inputRules(ctx: AppContext): RequestHandler {
  const invalidPox = (res: Response) =>
    send(res, answerAutodiscoverPost(ctx.snapshot(), { body: Buffer.alloc(0), now: ctx.now() }));

  return (req, res, next) => {
    const isAutodiscover = req.path.toLowerCase() === AUTODISCOVER_PATH;
    // The simple parser turns a repeated parameter into an array; which one would be meant is a guess.
    const query = req.query as Record<string, unknown>;
    if (!refusesBadQueryItself(req.path) && Object.values(query).some((value) => typeof value !== 'string')) {
      if (isAutodiscover) invalidPox(res);
      else plain(res, 400, MESSAGES.badQuery);
      return;
    }
    if (isAutodiscover && req.method === 'POST' && !acceptsPoxMediaType(req.get('content-type'))) {
      plain(res, 415, MESSAGES.badMediaType, { 'Accept-Post': 'text/xml, application/xml' });
      return;
    }
    next();
  };
}
