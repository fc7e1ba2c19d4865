import { parseEmailAddress, type EmailAddress } from '../core/address';
import { AUTODISCOVER_CONTENT_TYPE } from '../protocols/autodiscover-namespaces';
import { errorTime, renderPoxError, type PoxErrorCode } from '../protocols/autodiscover-error';
import { AUTOCONFIG_CONTENT_TYPE } from '../protocols/mozilla';
import { parsePoxRequest } from '../protocols/pox-request';
import { fillPrepared } from '../protocols/prepared-text';
import { domainFromHost, hostName } from './host';
import type { PreparedDomain, Snapshot } from './snapshot';

/**
 * The answers of every protocol endpoint as plain data, independent of any HTTP framework, so the
 * server, the CLI's `render` and any fast path all send the same bytes.
 */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** For logs and metrics; never sent. */
  readonly meta: AnswerMeta;
}

/** The endpoint an answer belongs to: a metrics label, so a fixed set. */
export type AnswerProtocol =
  | 'autoconfig'
  | 'autodiscover'
  | 'mobilesync'
  | 'autodiscover-json'
  | 'mobileconfig'
  | 'mobileconfig-qr'
  | 'settings-page'
  | 'tls-ask';

/** How an answer went: a metrics label, so a fixed set. */
export type AnswerOutcome =
  'ok' | 'unknown-domain' | 'bad-request' | 'redirect' | 'unsupported' | 'error' | 'form' | 'asset';

export interface AnswerMeta {
  readonly protocol: AnswerProtocol;
  readonly outcome: AnswerOutcome;
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
  extra: Record<string, string> = {},
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
export const NO_STORE = { 'Cache-Control': 'no-store' };

export const AUTOCONFIG_PATHS = [
  '/mail/config-v1.1.xml',
  '/.well-known/autoconfig/mail/config-v1.1.xml',
] as const;
export const AUTODISCOVER_PATH = '/autodiscover/autodiscover.xml';

/** Messages for people who look at the raw answers; none repeats anything from the request. */
export const MESSAGES = {
  unknownDomain: 'No mail settings are published here for this domain.\n',
  badAddress: 'The emailaddress parameter must be one valid email address.\n',
} as const;

/**
 * Mozilla autoconfig (protocols.md §1.1, §1.2). The domain comes from `emailaddress` when given,
 * else from the Host header (`autoconfig.<domain>` or `<domain>`), because several clients send no
 * address.
 */
export function answerAutoconfig(
  snapshot: Snapshot,
  request: { emailaddress: unknown; host: string | undefined },
): Answer {
  const meta = { protocol: 'autoconfig' } as const;
  let domain: string | undefined;
  let localPart: string | undefined;
  if (request.emailaddress !== undefined) {
    if (typeof request.emailaddress !== 'string') {
      return answer(400, TEXT, MESSAGES.badAddress, { ...meta, outcome: 'bad-request' }, NO_STORE);
    }
    const parsed = parseEmailAddress(request.emailaddress);
    if (!parsed.ok)
      return answer(400, TEXT, MESSAGES.badAddress, { ...meta, outcome: 'bad-request' }, NO_STORE);
    domain = parsed.value.domain;
    localPart = parsed.value.localPart;
  } else {
    domain = domainFromHost(
      hostName(request.host),
      ['autoconfig'],
      (name) => snapshot.settings(name) !== undefined,
    );
  }
  const prepared = domain === undefined ? undefined : snapshot.lookup(domain);
  if (!prepared) return UNKNOWN_AUTOCONFIG;
  let ok = autoconfigAnswers.get(prepared);
  if (!ok) {
    ok = answer(
      200,
      AUTOCONFIG_CONTENT_TYPE,
      prepared.autoconfig,
      { ...meta, outcome: 'ok', domain: prepared.settings.domain },
      { 'Cache-Control': 'public, max-age=3600' },
    );
    autoconfigAnswers.set(prepared, ok);
  }
  // The answer is shared by all requests for the domain; only the log's hashed login differs.
  return localPart === undefined ? ok : { ...ok, meta: { ...ok.meta, localPart } };
}

/**
 * The autoconfig answers depend only on the config, so each is built once per prepared domain and
 * the same object is handed out again; a writer may key its own per-answer work on it.
 */
const autoconfigAnswers = new WeakMap<PreparedDomain, Answer>();
const UNKNOWN_AUTOCONFIG = answer(
  404,
  TEXT,
  MESSAGES.unknownDomain,
  { protocol: 'autoconfig', outcome: 'unknown-domain' },
  NO_STORE,
);

/**
 * POX Autodiscover (protocols.md §2.3–§2.7). Every outcome is an Autodiscover document with HTTP
 * 200, as Exchange answers, so clients read the error code instead of guessing from a status.
 */
export function answerAutodiscoverPost(
  snapshot: Snapshot,
  request: { body: Buffer | string; now: Date },
): Answer {
  const error = (
    code: PoxErrorCode,
    schema: 'outlook' | 'mobilesync',
    outcome: AnswerOutcome,
    domain?: string,
  ) =>
    answer(
      200,
      AUTODISCOVER_CONTENT_TYPE,
      renderPoxError(code, { time: errorTime(request.now), id: snapshot.serverId }),
      {
        protocol: schema === 'mobilesync' ? 'mobilesync' : 'autodiscover',
        outcome,
        ...(domain !== undefined && { domain }),
      },
      NO_STORE,
    );

  const parsed = parsePoxRequest(request.body);
  if (!parsed.ok)
    return error(parsed.code, parsed.schema, parsed.code === 600 ? 'bad-request' : 'unknown-domain');
  const { emailAddress, responseSchema } = parsed.request;
  const schema = responseSchema === 'mobilesync' ? 'mobilesync' : 'outlook';
  const address = parseEmailAddress(emailAddress);
  if (!address.ok) return error(600, schema, 'bad-request');
  const prepared = snapshot.lookup(address.value.domain);
  if (!prepared) return error(500, schema, 'unknown-domain');
  const domain = prepared.settings.domain;
  const { localPart } = address.value;
  if (responseSchema === 'unsupported') return error(601, 'outlook', 'unsupported', domain);
  if (responseSchema === 'mobilesync') {
    if (!prepared.mobilesync) return error(601, 'mobilesync', 'unsupported', domain);
    return filled(prepared.mobilesync, address.value, {
      protocol: 'mobilesync',
      outcome: 'ok',
      domain,
      localPart,
    });
  }
  // POX cannot describe the domain's servers (protocols/reach): "recognised, but it has no
  // configuration options" rather than settings Outlook would fail to log in with.
  if (!prepared.outlook) return error(501, 'outlook', 'unsupported', domain);
  return filled(prepared.outlook, address.value, {
    protocol: 'autodiscover',
    outcome: 'ok',
    domain,
    localPart,
  });
}

function filled(
  prepared: Parameters<typeof fillPrepared>[0],
  address: EmailAddress,
  meta: AnswerMeta,
): Answer {
  // Per-user answers must not be kept by shared caches.
  return answer(200, AUTODISCOVER_CONTENT_TYPE, fillPrepared(prepared, address), meta, NO_STORE);
}

/**
 * GET on the Autodiscover URL (protocols.md §2.2, MS-OXDISCO HTTP redirect method): over plain HTTP
 * on a served host, a 302 to the https URL of the same host; otherwise the 600 error Exchange gives.
 */
export function answerAutodiscoverGet(
  snapshot: Snapshot,
  request: { host: string | undefined; secure: boolean; now: Date },
): Answer {
  const host = hostName(request.host);
  const domain = domainFromHost(host, ['autodiscover'], (name) => snapshot.settings(name) !== undefined);
  if (!request.secure && host && domain) {
    return answer(
      302,
      TEXT,
      '',
      { protocol: 'autodiscover', outcome: 'redirect', domain },
      {
        Location: `https://${host}${AUTODISCOVER_PATH}`,
        ...NO_STORE,
      },
    );
  }
  const stamp = { time: errorTime(request.now), id: snapshot.serverId };
  return answer(
    200,
    AUTODISCOVER_CONTENT_TYPE,
    renderPoxError(600, stamp),
    {
      protocol: 'autodiscover',
      outcome: 'bad-request',
      ...(domain !== undefined && { domain }),
    },
    NO_STORE,
  );
}
