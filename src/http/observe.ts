import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AnswerMeta } from '../service/answers';
import { AUTOCONFIG_PATHS, AUTODISCOVER_PATH } from '../service/answers';
import { loggablePath } from './loggable-path';
import type { ServiceMetrics } from './metrics';

export const OPS_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

/**
 * Records one finished request: one log line and the request metrics. It works on Node's plain
 * http objects so that any code answering requests (the Express app or a path without Express)
 * reports in exactly the same way.
 */
export type RequestObserver = (
  req: IncomingMessage,
  res: ServerResponse,
  meta: AnswerMeta | undefined,
  startedAt: bigint,
) => void;

const MAX_LOGGED_AGENT = 200;
const OPS = new Set<string>(Object.values(OPS_PATHS));
const AUTOCONFIG = new Set<string>(AUTOCONFIG_PATHS);

/** The protocol a path belongs to, for answers that never reached a protocol handler. */
export function protocolOfPath(path: string): string {
  const lower = path.toLowerCase();
  if (AUTOCONFIG.has(lower)) return 'autoconfig';
  if (lower === AUTODISCOVER_PATH) return 'autodiscover';
  if (OPS.has(lower)) return 'ops';
  return 'other';
}

const OUTCOME_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  404: 'not-found',
  405: 'method-not-allowed',
  408: 'timeout',
  413: 'too-large',
  415: 'bad-request',
  429: 'rate-limited',
};

function outcomeOf(status: number, finished: boolean): string {
  if (!finished) return 'aborted';
  if (status >= 500) return 'error';
  return OUTCOME_BY_STATUS[status] ?? (status < 400 ? 'ok' : 'bad-request');
}

/**
 * A stable pseudonym for an address: lets an admin follow one user's requests through the log
 * without the log holding the address. Keyed, so nobody without the key can test guesses.
 */
export function userHash(key: string, localPart: string, domain: string): string {
  return createHmac('sha256', key).update(`${localPart}@${domain}`).digest('hex').slice(0, 16);
}

export function createObserver(deps: {
  logger?: Logger | undefined;
  metrics?: ServiceMetrics | undefined;
  /** When set, request lines carry `userHash` for answers about an address of a served domain. */
  userHashKey?: string | undefined;
}): RequestObserver {
  return (req, res, meta, startedAt) => {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const path = loggablePath(req.url);
    const protocol = meta?.protocol ?? protocolOfPath(path);
    const finished = res.writableFinished;
    const outcome = finished ? (meta?.outcome ?? outcomeOf(res.statusCode, true)) : outcomeOf(0, false);
    const status = res.statusCode;
    deps.metrics?.countRequest(protocol, outcome, status);
    deps.metrics?.observeDuration(protocol, seconds);
    if (!deps.logger) return;
    const agent = req.headers['user-agent'];
    // Headers are picked one by one: Authorization (which Thunderbird sends unasked) never gets near a log.
    const line = {
      method: req.method,
      path,
      protocol,
      outcome,
      ...(meta?.domain !== undefined && { domain: meta.domain }),
      ...(deps.userHashKey &&
        meta?.domain !== undefined &&
        meta.localPart !== undefined && {
          userHash: userHash(deps.userHashKey, meta.localPart, meta.domain),
        }),
      status,
      durationMs: Math.round(seconds * 1e6) / 1e3,
      ...(agent && { userAgent: agent.slice(0, MAX_LOGGED_AGENT) }),
    };
    // Probes hit the ops paths every few seconds; they would drown the lines that matter.
    if (protocol === 'ops') deps.logger.debug(line, 'request');
    else if (status >= 500) deps.logger.error(line, 'request');
    else deps.logger.info(line, 'request');
  };
}
