import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import type { AnswerMeta, Outcome } from '../endpoints/answer';
import { loggablePath } from './loggable-path';
import type { ServiceMetrics } from './metrics';

/**
 * Records one finished request: one log line and the request metrics. It works on Node's plain
 * http objects so that any code answering requests (the Express app or a path without Express)
 * reports in exactly the same way.
 */
export type RequestObserver = (
  req: IncomingMessage,
  res: ServerResponse,
  meta: AnswerMeta,
  startedAt: bigint,
) => void;

const MAX_LOGGED_AGENT = 200;

/**
 * A stable pseudonym for an address: lets an admin follow one user's requests through the log
 * without the log holding the address. Keyed, so nobody without the key can test guesses.
 */
export function userHash(key: string, localPart: string, domain: string): string {
  return createHmac('sha256', key).update(`${localPart}@${domain}`).digest('hex').slice(0, 16);
}

type Level = 'debug' | 'info' | 'error';

/**
 * Writes request lines already formatted, straight into the logger's destination: the same JSON
 * line pino would write for `logger[level](fields, 'request')` (level, time, the logger's bindings,
 * the fields, msg), without building and serialising an object per request. Only values that come
 * from the request (path, user agent) need escaping; the rest come from fixed sets or are numbers.
 */
function requestLineWriter(logger: Logger): (level: Level, fields: string) => void {
  const { streamSym, chindingsSym, timeSym } = pino.symbols;
  const internals = logger as unknown as Record<symbol, unknown>;
  const stream = internals[streamSym] as { write(line: string): void } | undefined;
  if (stream === undefined || typeof logger.isLevelEnabled !== 'function') {
    // Not a pino logger (a test's stand-in): hand it the fields as an object.
    return (level, fields) => logger[level](JSON.parse(`{${fields.slice(1)}}`) as object, 'request');
  }
  const bindings = internals[chindingsSym] as string;
  const time = internals[timeSym] as () => string;
  const values = logger.levels.values;
  const numbers = { debug: values.debug, info: values.info, error: values.error };
  return (level, fields) => {
    if (!logger.isLevelEnabled(level)) return;
    stream.write(`{"level":${numbers[level]}${time()}${bindings}${fields},"msg":"request"}\n`);
  };
}

export function createObserver(deps: {
  logger?: Logger | undefined;
  metrics?: ServiceMetrics | undefined;
  /** When set, request lines carry `userHash` for answers about an address of a served domain. */
  userHashKey?: string | undefined;
}): RequestObserver {
  const write = deps.logger ? requestLineWriter(deps.logger) : undefined;
  const key = deps.userHashKey;
  return (req, res, meta, startedAt) => {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const protocol = meta.protocol;
    const outcome: Outcome = res.writableFinished ? meta.outcome : 'aborted';
    const status = res.statusCode;
    deps.metrics?.countRequest(protocol, outcome, status);
    deps.metrics?.observeDuration(protocol, seconds);
    if (!write) return;
    // Probes hit the ops paths every few seconds; they would drown the lines that matter.
    const level: Level = protocol === 'ops' ? 'debug' : status >= 500 ? 'error' : 'info';
    const agent = req.headers['user-agent'];
    const domain = meta.domain;
    // Headers are picked one by one: Authorization (which Thunderbird sends unasked) never gets near
    // a log. Method tokens, protocols, outcomes and normalised domains need no escaping.
    write(
      level,
      `,"method":"${req.method}","path":${JSON.stringify(loggablePath(req.url))},"protocol":"${protocol}","outcome":"${outcome}"` +
        (domain === undefined ? '' : `,"domain":"${domain}"`) +
        (key && domain !== undefined && meta.localPart !== undefined
          ? `,"userHash":"${userHash(key, meta.localPart, domain)}"`
          : '') +
        `,"status":${status},"durationMs":${Math.round(seconds * 1e6) / 1e3}` +
        (agent ? `,"userAgent":${JSON.stringify(agent.slice(0, MAX_LOGGED_AGENT))}` : ''),
    );
  };
}
