import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';

/** The one helmet configuration: the Express app uses it as middleware, the fast path as data. */
export function securityMiddleware(): ReturnType<typeof helmet> {
  return helmet();
}

/**
 * The headers the security middleware sets, as `[name, value, name, value…]` in the order and
 * letter case it sets them. They depend on nothing in the request, so running the middleware once
 * over a dummy request gives exactly what it adds to every real response; deriving them instead of
 * writing them down means a helmet upgrade or option change reaches both paths at once.
 */
export function securityHeaders(): readonly string[] {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = '/';
  const res = new ServerResponse(req);
  // getHeaders() lower-cases names; the names as helmet writes them are what goes on the wire.
  const names: string[] = [];
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => {
    if (!names.includes(name)) names.push(name);
    return setHeader(name, value);
  };
  let failure: unknown;
  securityMiddleware()(req, res, (error?: unknown) => {
    failure = error;
  });
  if (failure !== undefined) throw new Error('the security middleware refused a plain GET request');
  const flat: string[] = [];
  for (const name of names) {
    const value = res.getHeader(name);
    if (Array.isArray(value)) for (const item of value) flat.push(name, item);
    else if (value !== undefined) flat.push(name, String(value));
  }
  return Object.freeze(flat);
}
