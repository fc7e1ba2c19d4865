import type { IncomingHttpHeaders } from 'node:http';
import type { Snapshot } from '../catalog/snapshot';
import type { Answer, Protocol } from './answer';

/** HEAD is served wherever GET is, with the same headers and no body. */
export type Method = 'GET' | 'POST';

/**
 * Which header block an answer gets: pages for people keep a browser's full set (helmet's),
 * answers for programs a small fixed one (see http/security-headers).
 */
export type AnswerKind = 'html' | 'machine';

/** A query parameter given more than once (in any letter case): which one was meant is a guess. */
export const REPEATED: unique symbol = Symbol('repeated parameter');
export type QueryValue = string | typeof REPEATED;

/** Query parameters by lower-cased name: Microsoft documents `Email`, clients send `email`. */
export type Query = ReadonlyMap<string, QueryValue>;

/** A request that passed admission, as the endpoint sees it: no framework objects. */
export interface EndpointRequest {
  readonly method: 'GET' | 'HEAD' | 'POST';
  /** For endpoints with a `prefix`: what follows it in the path, still percent-encoded. */
  readonly rest: string;
  readonly query: Query;
  /** The Host header, as sent. */
  readonly host: string | undefined;
  /** Every request header, lower-cased names (as Node gives them), for endpoints that need more. */
  readonly headers: IncomingHttpHeaders;
  readonly acceptLanguage: string | undefined;
  /** The request came over https (directly, or as a trusted proxy says). */
  readonly secure: boolean;
  /** POST bodies, read and decoded within the endpoint's limit; empty for other methods. */
  readonly body: Buffer;
}

/** Why admission refused a request; the endpoint may answer some in its own error form. */
export type Refusal = 'repeated-parameter' | 'unreadable-body';

/** What endpoints get besides the request; nothing reaches for globals. */
export interface EndpointContext {
  /** The config in force, taken once per request so a reload takes effect for the next one. */
  readonly snapshot: Snapshot;
  readonly now: Date;
}

/** The request body an endpoint accepts. */
export interface BodyRule {
  /** Bytes after decoding (gzip/deflate); checked while the body streams in. */
  readonly limit: number;
  /** Whether a lower-cased media type (without parameters; '' when absent) is acceptable. */
  readonly accepts: (mediaType: string) => boolean;
  /** The 415 answer's extra headers (`Accept-Post`). */
  readonly acceptHeader: string;
}

/** A CLI `render --format` choice: the request a client would send for an address. */
export interface RenderFormat {
  readonly format: string;
  readonly render: (snapshot: Snapshot, address: string, now: Date) => Answer | Promise<Answer>;
}

/**
 * One endpoint, declared once: HTTP routing, admission, the CLI's `render` choices and the tests'
 * endpoint tables are all derived from the list of these (endpoints/index.ts).
 */
export interface Endpoint {
  /** Unique, for tables and tests. */
  readonly name: string;
  readonly protocol: Protocol;
  /** Lower-case exact paths. Matching ignores letter case and one trailing slash. */
  readonly paths: readonly string[];
  /** Lower-case path prefix for endpoints that take the rest of the path as data. */
  readonly prefix?: string;
  readonly methods: readonly Method[];
  readonly kind: AnswerKind;
  /** False for probes, scrapes and the TLS ask: a throttled one takes the service down. */
  readonly rateLimited: boolean;
  /** Answered before Express by the pre-router (same admission, limiter and writer). */
  readonly hot?: boolean;
  /**
   * 'refuse' (default): admission refuses a repeated parameter in the endpoint's error form.
   * 'read': the answer sees {@link REPEATED} and refuses it as an invalid value of that parameter,
   * for endpoints whose clients read a per-parameter error (Autodiscover v2's JSON, the page's form).
   */
  readonly repeatedParameters?: 'refuse' | 'read';
  readonly body?: BodyRule;
  /** The endpoint's own form of a refusal; default: a plain-text 400. */
  readonly refuse?: (refusal: Refusal, ctx: EndpointContext) => Answer;
  readonly answer: (request: EndpointRequest, ctx: EndpointContext) => Answer | Promise<Answer>;
  readonly render?: readonly RenderFormat[];
}
