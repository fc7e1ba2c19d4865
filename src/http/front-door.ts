import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Snapshot } from '../catalog/snapshot';
import { MESSAGES, plain, type Answer, type AnswerMeta } from '../endpoints/answer';
import type { Endpoint, EndpointContext, EndpointRequest } from '../endpoints/endpoint';
import { admit, discardRest, readBody, refusalAnswer, tooLarge } from './admission';
import { createClientResolver, type TrustSetting } from './client';
import type { RequestObserver } from './observe';
import { clientBucket, createRateLimiter } from './rate-limit';
import { createRouteTable, type RouteMatch } from './route-table';
import { securityHeaders } from './security-headers';
import { writeAnswer } from './writer';

export interface FrontDoorDeps {
  readonly endpoints: readonly Endpoint[];
  readonly snapshot: () => Snapshot;
  readonly now?: () => Date;
  readonly observe?: RequestObserver;
  readonly trustProxy?: TrustSetting;
  /** Requests per minute per client on rate-limited endpoints; undefined: no limit. */
  readonly rateLimitPerMinute?: number;
  /** Told about an unexpected error while answering (a bug); the client gets a plain 500. */
  readonly onError?: (error: unknown) => void;
}

export interface FrontDoor {
  /** Answers any request: an endpoint's, or 404. Used as the Express app's one route handler. */
  readonly handle: RequestListener;
  /**
   * For `node:http` before Express: answers requests for hot endpoints and returns true, or
   * returns false having touched nothing. Same table, admission, limiter and writer as `handle`.
   */
  readonly preRoute: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** The clock is read only by endpoints that use the time (most never do). */
class RequestContext implements EndpointContext {
  #now: Date | undefined;

  constructor(
    readonly snapshot: Snapshot,
    private readonly clock: () => Date,
  ) {}

  get now(): Date {
    return (this.#now ??= this.clock());
  }
}

/** Written out: spreading the request and then replacing `body` took V8's slow path (0.6 µs). */
function withBody(request: EndpointRequest, body: Buffer): EndpointRequest {
  return {
    method: request.method,
    rest: request.rest,
    query: request.query,
    host: request.host,
    headers: request.headers,
    acceptLanguage: request.acceptLanguage,
    secure: request.secure,
    body,
  };
}

const NOT_FOUND = plain(404, MESSAGES.notFound, { protocol: 'other', outcome: 'not-found' });
const INTERNAL_ERROR = plain(500, MESSAGES.internalError, { protocol: 'other', outcome: 'error' });

/**
 * The one path every request takes: route table → rate limit → admission (→ body) → endpoint →
 * writer, with the observer attached first so aborted and timed-out requests are counted too.
 */
export function createFrontDoor(deps: FrontDoorDeps): FrontDoor {
  const table = createRouteTable(deps.endpoints);
  const headers = securityHeaders();
  const client = createClientResolver(deps.trustProxy);
  const limiter =
    deps.rateLimitPerMinute === undefined ? undefined : createRateLimiter(deps.rateLimitPerMinute);
  const now = deps.now ?? (() => new Date());
  const observe = deps.observe;

  const serve = (req: IncomingMessage, res: ServerResponse, match: RouteMatch | undefined) => {
    const startedAt = process.hrtime.bigint();
    const endpoint = match?.endpoint;
    let meta: AnswerMeta = endpoint ? { protocol: endpoint.protocol, outcome: 'aborted' } : NOT_FOUND.meta;
    if (observe) res.on('close', () => observe(req, res, meta, startedAt));
    const { address, secure } = client(req);
    const write = (answer: Answer) => {
      meta = answer.meta;
      if (res.headersSent) res.destroy();
      else writeAnswer(res, answer, headers.block(endpoint?.kind ?? 'machine', secure));
    };
    const fail = (error: unknown) => {
      deps.onError?.(error);
      write(
        endpoint
          ? { ...INTERNAL_ERROR, meta: { protocol: endpoint.protocol, outcome: 'error' } }
          : INTERNAL_ERROR,
      );
    };

    if (limiter && (endpoint === undefined || endpoint.rateLimited)) {
      const retry = limiter.take(clientBucket(address));
      if (retry !== undefined) {
        const protocol = endpoint?.protocol ?? 'other';
        write(
          plain(
            429,
            MESSAGES.rateLimited,
            { protocol, outcome: 'rate-limited' },
            { 'Retry-After': String(retry) },
          ),
        );
        return;
      }
    }
    if (!endpoint || !match) {
      write(NOT_FOUND);
      return;
    }
    let ctx: EndpointContext;
    try {
      ctx = new RequestContext(deps.snapshot(), now);
    } catch (error) {
      fail(error);
      return;
    }
    const answerWith = (request: Parameters<Endpoint['answer']>[0]) => {
      try {
        const result = endpoint.answer(request, ctx);
        if (result instanceof Promise) result.then(write, fail);
        else write(result);
      } catch (error) {
        fail(error);
      }
    };
    let verdict;
    try {
      verdict = admit(
        endpoint,
        { method: req.method, headers: req.headers, rest: match.rest, query: match.query, secure },
        ctx,
      );
    } catch (error) {
      fail(error);
      return;
    }
    if (verdict.kind === 'refused') {
      write(verdict.answer);
      discardRest(req);
    } else if (verdict.kind === 'admitted') answerWith(verdict.request);
    else
      readBody(req, verdict, (result) => {
        if (result.ok) answerWith(withBody(verdict.request, result.body));
        else if (result.refusal === 'too-large') write(tooLarge(endpoint, verdict.rule.limit));
        else write(refusalAnswer(endpoint, result.refusal, ctx));
      });
  };

  return {
    handle: (req, res) => serve(req, res, table.match(req.url)),
    preRoute: (req, res) => {
      const match = table.match(req.url);
      if (match === undefined || match.endpoint.hot !== true) return false;
      serve(req, res, match);
      return true;
    },
  };
}
