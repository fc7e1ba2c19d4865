import type { Request, Response } from 'express';
import type { Answer } from '../service/answers';

export const TEXT = 'text/plain; charset=utf-8';

/** Writes a framework-free Answer; the one way protocol answers leave the app. */
export function send(res: Response, answer: Answer): void {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.locals.answerMeta = answer.meta;
  res.end(answer.body);
}

/** A short plain-text answer; the message is ours, never request data. */
export function plain(
  res: Response,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res
    .status(status)
    .set({ 'Content-Type': TEXT, 'Cache-Control': 'no-store', ...headers })
    .end(message);
}

/** For the methods a path does not serve: OPTIONS lists the allowed ones, anything else is 405. */
export function methodNotAllowed(allow: string) {
  return (req: Request, res: Response) => {
    if (req.method === 'OPTIONS') {
      res.status(204).set({ Allow: allow, 'Cache-Control': 'no-store' }).end();
      return;
    }
    plain(res, 405, 'Method not allowed.\n', { Allow: allow });
  };
}
