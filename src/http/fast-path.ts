import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  answerAutoconfig,
  answerAutodiscoverPost,
  AUTOCONFIG_PATHS,
  AUTODISCOVER_PATH,
  type Answer,
} from '../service/answers';
import type { Snapshot } from '../service/snapshot';
import { acceptsPoxMediaType } from './input-rules';
import type { RequestObserver } from './observe';
import { POX_BODY_LIMIT } from './routes/protocols';
import { securityHeaders } from './security-headers';

export interface FastPathDeps {
  readonly snapshot: () => Snapshot;
  readonly now?: () => Date;
  /** The app's request observer (logs, metrics), called as the Express path calls it. */
  readonly observe?: RequestObserver;
  /** Told about an unexpected error while answering (a bug); the client gets a plain 500. */
  readonly onError?: (error: unknown) => void;
}

const INTERNAL_ERROR_TEXT = Buffer.from('Internal server error.\n');
const INTERNAL_ERROR: Answer = {
  status: 500,
  // No Content-Length: Node adds it after Connection, as for the Express app's `res.end(text)`.
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  body: INTERNAL_ERROR_TEXT,
  meta: { protocol: 'autodiscover', outcome: 'error' },
};

/** Answers the request and returns true, or returns false having touched nothing. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const AUTOCONFIG = new Set<string>(AUTOCONFIG_PATHS);
/** One plain address: the only query a real client sends. Anything else goes to Express. */
const SIMPLE_ADDRESS_QUERY = /^emailaddress=(?:[A-Za-z0-9._-]|@|%40)+$/;

/**
 * The hot, well-formed requests answered without Express: the same `service/answers` functions
 * produce the answer, written with the same headers (helmet's, taken from helmet itself at start),
 * so the bytes are those the Express app sends. Everything unusual (other methods and paths, odd
 * queries, bodies that are chunked, compressed, empty or too large, answers that are client errors)
 * is declined and left to Express. Two error answers are written here as well, with the bytes
 * Express would send: POX error documents (HTTP 200) and the plain 500 after an unexpected error.
 */
export function createFastPath(deps: FastPathDeps): FastPath {
  const security = securityHeaders();
  const now = deps.now ?? (() => new Date());
  const observe = deps.observe;

  // Autoconfig answers are reused objects (see answers.ts), so their header lists are built once.
  // Keyed by the headers object: a per-request copy of a shared answer (say, with the login's local
  // part added to its log meta) still shares the headers, and so the list.
  const headerLists = new WeakMap<Answer['headers'], string[]>();
  const headerList = (answer: Answer) => {
    const own = answer.headers;
    const names = Object.keys(own);
    const headers = new Array<string>(security.length + names.length * 2);
    for (let i = 0; i < security.length; i++) headers[i] = security[i] as string;
    for (let i = 0, at = security.length; i < names.length; i++, at += 2) {
      headers[at] = names[i] as string;
      headers[at + 1] = own[names[i] as string] as string;
    }
    return headers;
  };
  const write = (
    req: IncomingMessage,
    res: ServerResponse,
    answer: Answer,
    startedAt: bigint,
    reused: boolean,
  ) => {
    let headers = reused ? headerLists.get(answer.headers) : undefined;
    if (!headers) {
      headers = headerList(answer);
      if (reused) headerLists.set(answer.headers, headers);
    }
    if (answer.headers['Content-Length'] === undefined) {
      // Headers set one by one and the body given to end(): Node adds Content-Length itself, at
      // the place it does for the Express app's plain-text answers.
      res.statusCode = answer.status;
      for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
    } else {
      res.writeHead(answer.status, headers);
    }
    // On 'close', as the Express app observes: only then is it known whether the answer got out.
    if (observe) res.once('close', () => observe(req, res, answer.meta, startedAt));
    res.end(answer.body);
  };

  return (req, res) => {
    const startedAt = process.hrtime.bigint();
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    const path = (queryAt < 0 ? url : url.slice(0, queryAt)).toLowerCase();
    const headers = req.headers;
    if (headers['transfer-encoding'] !== undefined) return false;

    if (req.method === 'GET' && AUTOCONFIG.has(path)) {
      if (headers['content-length'] !== undefined && headers['content-length'] !== '0') return false;
      let emailaddress: string | undefined;
      if (queryAt >= 0) {
        const query = url.slice(queryAt + 1);
        if (!SIMPLE_ADDRESS_QUERY.test(query)) return false;
        emailaddress = query.slice('emailaddress='.length).replaceAll('%40', '@');
      }
      let answer: Answer;
      try {
        answer = answerAutoconfig(deps.snapshot(), { emailaddress, host: headers.host });
      } catch {
        // Nothing is written yet: Express answers it again and its error handler reports the bug.
        return false;
      }
      if (answer.status === 400) return false;
      write(req, res, answer, startedAt, true);
      return true;
    }

    if (req.method === 'POST' && path === AUTODISCOVER_PATH) {
      const declared = headers['content-length'];
      if (
        declared === undefined ||
        !/^[1-9][0-9]{0,5}$/.test(declared) ||
        Number(declared) > POX_BODY_LIMIT ||
        headers['content-encoding'] !== undefined ||
        headers.expect !== undefined ||
        !acceptsPoxMediaType(headers['content-type'])
      )
        return false;
      const length = Number(declared);
      const chunks: Buffer[] = [];
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
      });
      // The client went away mid-body: there is nobody to answer.
      req.on('error', () => undefined);
      req.on('end', () => {
        // Node stops the body at Content-Length, so a mismatch means a cut body: the same
        // invalid-request answer the Express app gives for an unreadable body.
        const body =
          received !== length ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        let answer: Answer;
        try {
          answer = answerAutodiscoverPost(deps.snapshot(), { body, now: now() });
        } catch (error) {
          // The body is consumed, so Express cannot take over; this is the answer its error
          // handler gives, byte for byte.
          deps.onError?.(error);
          answer = INTERNAL_ERROR;
        }
        write(req, res, answer, startedAt, false);
      });
      return true;
    }
    return false;
  };
}
