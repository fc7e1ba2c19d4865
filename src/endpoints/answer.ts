/**
 * The answers of every endpoint as plain data, independent of any HTTP framework, so the server,
 * the CLI's `render` and the tests all see the same bytes.
 */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** For logs and metrics; never sent. */
  readonly meta: AnswerMeta;
}

/** Metric label values: a fixed set, so a request can never mint a new time series. */
export type Protocol =
  | 'autoconfig'
  | 'autodiscover'
  | 'mobilesync'
  | 'autodiscover-json'
  | 'mobileconfig'
  | 'mobileconfig-qr'
  | 'settings-page'
  | 'tls-ask'
  | 'ops'
  | 'other';

export type Outcome =
  | 'ok'
  | 'unknown-domain'
  | 'bad-request'
  | 'redirect'
  | 'unsupported'
  | 'form'
  | 'asset'
  | 'not-found'
  | 'method-not-allowed'
  | 'too-large'
  | 'rate-limited'
  | 'timeout'
  | 'aborted'
  | 'error';

export interface AnswerMeta {
  readonly protocol: Protocol;
  readonly outcome: Outcome;
  /** The served domain the answer was for, when there is one. */
  readonly domain?: string;
  /**
   * The validated local part, when the answer was for an address of a served domain. Personal
   * data: only ever logged as a keyed hash, and never a metrics label.
   */
  readonly localPart?: string;
}

export function answer(
  status: number,
  contentType: string,
  body: string | Buffer,
  meta: AnswerMeta,
  extra: Readonly<Record<string, string>> = {},
): Answer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    status,
    headers: { 'Content-Type': contentType, 'Content-Length': String(bytes.length), ...extra },
    body: bytes,
    meta,
  };
}

export const TEXT = 'text/plain; charset=utf-8';
export const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** Messages for people who look at the raw answers; none repeats anything from the request. */
export const MESSAGES = {
  unknownDomain: 'No mail settings are published here for this domain.\n',
  badAddress: 'The emailaddress parameter must be one valid email address.\n',
  badQuery: 'Bad request: every query parameter must be given once, as plain text.\n',
  badMediaType: 'Unsupported Content-Type: send the Autodiscover request as text/xml.\n',
  notFound: 'Not found.\n',
  methodNotAllowed: 'Method not allowed.\n',
  rateLimited: 'Too many requests: try again in a minute.\n',
  internalError: 'Internal server error.\n',
} as const;

/** A short plain-text answer; the message is ours, never request data. */
export function plain(
  status: number,
  message: string,
  meta: AnswerMeta,
  extra: Readonly<Record<string, string>> = {},
): Answer {
  return answer(status, TEXT, message, meta, { ...NO_STORE, ...extra });
}
