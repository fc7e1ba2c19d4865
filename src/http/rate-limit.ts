import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { OPS_PATHS } from './observe';
import { plain } from './respond';

const WINDOW_MS = 60_000;
const OPS = new Set<string>(Object.values(OPS_PATHS));

/**
 * Per-client request budget on the protocol endpoints (protocols.md §5.4). The client is
 * `req.ip`, so behind a proxy it is only right when `trust proxy` names that proxy. Probes and
 * scrapes are never limited: a throttled /readyz would take a healthy server out of rotation.
 */
export function rateLimitPerClient(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (req) => OPS.has(req.path.toLowerCase()),
    // Anyone can send X-Forwarded-For; the library would log each such request as a misconfiguration.
    validate: { xForwardedForHeader: false },
    handler: (_req, res) => plain(res, 429, 'Too many requests: try again in a minute.\n'),
  });
}
