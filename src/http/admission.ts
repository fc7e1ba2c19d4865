import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { unescape as unescapeQuery } from 'node:querystring';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { MESSAGES, plain, type Answer } from '../endpoints/answer';
import {
  REPEATED,
  type BodyRule,
  type Endpoint,
  type EndpointContext,
  type EndpointRequest,
  type QueryValue,
  type Refusal,
} from '../endpoints/endpoint';

/** What admission reads of a request: the parsed head, never the body. */
export interface AdmissionInput {
  readonly method: string | undefined;
  readonly headers: IncomingHttpHeaders;
  /** From the route table: the path after a prefix endpoint's prefix, and the raw query. */
  readonly rest: string;
  readonly query: string;
  readonly secure: boolean;
}

type Encoding = 'identity' | 'gzip' | 'deflate';

export type Verdict =
  | { readonly kind: 'refused'; readonly answer: Answer }
  | { readonly kind: 'admitted'; readonly request: EndpointRequest }
  /** Admitted once the body is in: read it with {@link readBody}, within `rule.limit`. */
  | {
      readonly kind: 'read-body';
      readonly request: EndpointRequest;
      readonly rule: BodyRule;
      readonly encoding: Encoding;
    };

/** At most this many parameters are read, as Node's querystring does; the rest are ignored. */
const MAX_PARAMETERS = 1000;
const EMPTY = Buffer.alloc(0);

function decodeComponent(text: string): string {
  const spaced = text.indexOf('+') < 0 ? text : text.replaceAll('+', ' ');
  if (spaced.indexOf('%') < 0) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Lenient like Express's "simple" parser: a malformed escape is kept as written, never thrown.
    return unescapeQuery(spaced);
  }
}

/**
 * Query parameters by lower-cased name (`Email` and `email` are one parameter). A name given more
 * than once maps to {@link REPEATED}; `repeated` says whether any was.
 */
export function parseQuery(text: string): { query: Map<string, QueryValue>; repeated: boolean } {
  const query = new Map<string, QueryValue>();
  let repeated = false;
  if (text === '') return { query, repeated };
  const pieces = text.split('&', MAX_PARAMETERS);
  for (const piece of pieces) {
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const name = decodeComponent(equals < 0 ? piece : piece.slice(0, equals)).toLowerCase();
    const value = equals < 0 ? '' : decodeComponent(piece.slice(equals + 1));
    if (query.has(name)) {
      query.set(name, REPEATED);
      repeated = true;
    } else query.set(name, value);
  }
  return { query, repeated };
}

/** The media type of a Content-Type header, lower-cased, without parameters; '' when absent. */
export function mediaType(header: string | undefined): string {
  if (header === undefined) return '';
  const semicolon = header.indexOf(';');
  return (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

function encodingOf(header: string | undefined): Encoding | undefined {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  return undefined;
}

function allowOf(endpoint: Endpoint): string {
  const methods = endpoint.methods.includes('GET') ? ['GET', 'HEAD'] : [];
  if (endpoint.methods.includes('POST')) methods.push('POST');
  return methods.join(', ');
}

/** The answer for a request refused for `refusal`, in the endpoint's own form when it has one. */
export function refusalAnswer(endpoint: Endpoint, refusal: Refusal, ctx: EndpointContext): Answer {
  if (endpoint.refuse) return endpoint.refuse(refusal, ctx);
  const meta = { protocol: endpoint.protocol, outcome: 'bad-request' } as const;
  return plain(400, refusal === 'repeated-parameter' ? MESSAGES.badQuery : 'Bad request.\n', meta);
}

export function tooLarge(endpoint: Endpoint, limit: number): Answer {
  return plain(413, `Request body too large: the limit is ${limit / 1024} KiB.\n`, {
    protocol: endpoint.protocol,
    outcome: 'too-large',
  });
}

/** How much of a refused body is read and dropped after the 413, and for how long at most. */
const LINGER_BYTES = 4 * 1024 * 1024;
const LINGER_MS = 2_000;

/**
 * Reads and drops the rest of a body that will not be used, so a client still uploading can read
 * the answer (closing at once would reset the connection, and with it the unread answer), but only
 * up to a bound: an endless upload is cut off after a few MiB or seconds.
 */
export function discardRest(req: IncomingMessage): void {
  if (req.readableEnded) return;
  let dropped = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) cut();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.on('error', () => undefined);
  req.resume();
}

/**
 * Every rule a request must pass before its endpoint answers, in one place and in this order:
 * method, query (grammar and repetition), then for bodies media type, encoding and declared
 * length. Pure apart from reading `input`; never throws. Refusals repeat nothing from the request.
 */
export function admit(endpoint: Endpoint, input: AdmissionInput, ctx: EndpointContext): Verdict {
  const method = input.method;
  const servesGet = endpoint.methods.includes('GET');
  const isPost = method === 'POST' && endpoint.methods.includes('POST');
  if (!isPost && !((method === 'GET' || method === 'HEAD') && servesGet)) {
    const allow = allowOf(endpoint);
    const meta = { protocol: endpoint.protocol, outcome: 'method-not-allowed' } as const;
    if (method === 'OPTIONS')
      return {
        kind: 'refused',
        answer: {
          status: 204,
          headers: { Allow: allow, 'Cache-Control': 'no-store' },
          body: EMPTY,
          meta: { ...meta, outcome: 'ok' },
        },
      };
    return { kind: 'refused', answer: plain(405, MESSAGES.methodNotAllowed, meta, { Allow: allow }) };
  }

  const { query, repeated } = parseQuery(input.query);
  if (repeated && endpoint.repeatedParameters !== 'read')
    return { kind: 'refused', answer: refusalAnswer(endpoint, 'repeated-parameter', ctx) };

  const headers = input.headers;
  const request: EndpointRequest = {
    method,
    rest: input.rest,
    query,
    host: headers.host,
    headers,
    acceptLanguage: headers['accept-language'],
    secure: input.secure,
    body: EMPTY,
  };
  const rule = endpoint.body;
  if (!isPost || !rule) return { kind: 'admitted', request };

  if (!rule.accepts(mediaType(headers['content-type']))) {
    return {
      kind: 'refused',
      answer: plain(
        415,
        MESSAGES.badMediaType,
        { protocol: endpoint.protocol, outcome: 'bad-request' },
        { 'Accept-Post': rule.acceptHeader },
      ),
    };
  }
  const encoding = encodingOf(headers['content-encoding']);
  if (encoding === undefined)
    return { kind: 'refused', answer: refusalAnswer(endpoint, 'unreadable-body', ctx) };
  // Node has already refused conflicting or malformed framing (Content-Length with chunked, two
  // lengths): a declared length here is one number.
  const declared = headers['content-length'];
  if (declared !== undefined && Number(declared) > rule.limit)
    return { kind: 'refused', answer: tooLarge(endpoint, rule.limit) };
  return { kind: 'read-body', request, rule, encoding };
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; refusal: 'too-large' | 'unreadable-body' };

/**
 * Reads a body admitted by {@link admit}, decoding gzip/deflate, and stops the moment it passes
 * the limit (raw or decoded): an endless chunked upload gets its 413 at once, not at the request
 * timeout. `done` is called at most once, and not at all when the client goes away mid-body.
 */
export function readBody(
  req: IncomingMessage,
  verdict: Extract<Verdict, { kind: 'read-body' }>,
  done: (result: BodyResult) => void,
): void {
  const limit = verdict.rule.limit;
  const chunks: Buffer[] = [];
  let size = 0;
  let raw = 0;
  let over = false;
  const decoder: Gunzip | Inflate | undefined =
    verdict.encoding === 'gzip'
      ? createGunzip()
      : verdict.encoding === 'deflate'
        ? createInflate()
        : undefined;

  const finish = (result: BodyResult) => {
    if (over) return;
    over = true;
    req.off('data', onRaw);
    req.off('end', onRawEnd);
    if (decoder) {
      req.unpipe(decoder);
      decoder.destroy();
    }
    if (!result.ok) discardRest(req);
    done(result);
  };
  const onDecoded = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) finish({ ok: false, refusal: 'too-large' });
    else chunks.push(chunk);
  };
  const onDecodedEnd = () =>
    finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
  const onRaw = (chunk: Buffer) => {
    raw += chunk.length;
    if (raw > limit) finish({ ok: false, refusal: 'too-large' });
    else if (!decoder) onDecoded(chunk);
  };
  const onRawEnd = () => {
    if (!decoder) onDecodedEnd();
  };

  // The client went away mid-body: there is nobody to answer, and the observer counts it.
  req.on('error', () => undefined);
  req.on('data', onRaw);
  req.on('end', onRawEnd);
  if (decoder) {
    decoder.on('data', onDecoded);
    decoder.on('end', onDecodedEnd);
    decoder.on('error', () => finish({ ok: false, refusal: 'unreadable-body' }));
    req.pipe(decoder);
  }
}
