import type { Preparer } from '../catalog/prepared-cache';
import type { Snapshot } from '../catalog/snapshot';
import { parseEmailAddress, type EmailAddress } from '../core/address';
import type { DomainSettings } from '../core/settings';
import { errorTime, renderPoxError, type PoxErrorCode } from '../protocols/autodiscover-error';
import { AUTODISCOVER_CONTENT_TYPE } from '../protocols/autodiscover-namespaces';
import { prepareMobileSyncResponse } from '../protocols/mobilesync';
import { prepareOutlookResponse, renderOutlookSettingsWithoutAddress } from '../protocols/outlook';
import { poxRequest } from '../protocols/pox-client-request';
import { parsePoxRequest } from '../protocols/pox-request';
import { fillPreparedBytes, preparedTextSize, type PreparedText } from '../protocols/prepared-text';
import { answer, NO_STORE, TEXT, type Answer, type AnswerMeta, type Outcome } from './answer';
import { decideAutodiscoverGet, httpsHint } from './autodiscover-get';
import type { Endpoint } from './endpoint';
import { domainFromHost, hostName } from './host';

export const AUTODISCOVER_PATH = '/autodiscover/autodiscover.xml';

/** Real requests are ~400 bytes (protocols.md §5.1). */
export const POX_BODY_LIMIT = 16 * 1024;

/**
 * Media types a POX body may be labelled with (protocols.md §2.2): Thunderbird and Outlook send
 * `text/xml`, others `application/xml`, some nothing. `text/plain` is tolerated for hand-made
 * requests. Anything else (forms, multipart uploads, JSON) is not an Autodiscover request at all.
 */
const POX_MEDIA_TYPES = new Set(['', 'text/xml', 'application/xml', 'text/plain']);

export function acceptsPoxMediaType(type: string): boolean {
  return POX_MEDIA_TYPES.has(type) || /^[a-z]+\/[^/]+\+xml$/.test(type);
}

/**
 * The Outlook and ActiveSync documents name no domain, only servers and login policies, so all
 * domains that share resolved server lists (every domain of a profile) share one prepared text.
 */
const outlookText: Preparer<{ text: PreparedText | undefined }> = {
  name: 'outlook',
  shareKey: (settings, catalog) => `${catalog.idOf(settings.incoming)}/${catalog.idOf(settings.outgoing)}`,
  // Absent when POX can describe none of the domain's servers of a direction (protocols/reach).
  prepare: (settings) => ({ text: prepareOutlookResponse(settings) }),
  size: ({ text }) => preparedTextSize(text),
};

/** Absent (`none`) when the domain has no ActiveSync endpoint. */
const mobilesyncText: Preparer<{ text: PreparedText | undefined }> = {
  name: 'mobilesync',
  shareKey: (settings) => settings.activeSync?.url ?? '',
  prepare: (settings) => ({
    text: settings.activeSync === undefined ? undefined : prepareMobileSyncResponse(settings),
  }),
  size: (value) => preparedTextSize(value.text),
};

function poxError(
  snapshot: Snapshot,
  now: Date,
  code: PoxErrorCode,
  schema: 'outlook' | 'mobilesync',
  outcome: Outcome,
  domain?: string,
): Answer {
  return answer(
    200,
    AUTODISCOVER_CONTENT_TYPE,
    renderPoxError(code, { time: errorTime(now), id: snapshot.serverId }),
    {
      protocol: schema === 'mobilesync' ? 'mobilesync' : 'autodiscover',
      outcome,
      ...(domain !== undefined && { domain }),
    },
    NO_STORE,
  );
}

/** The answer to a request that is not a readable Autodiscover request: error 600, as Exchange. */
export function invalidPoxRequest(snapshot: Snapshot, now: Date): Answer {
  return poxError(snapshot, now, 600, 'outlook', 'bad-request');
}

function filled(prepared: PreparedText, address: EmailAddress, meta: AnswerMeta): Answer {
  // Per-user answers must not be kept by shared caches.
  return answer(200, AUTODISCOVER_CONTENT_TYPE, fillPreparedBytes(prepared, address), meta, NO_STORE);
}

/**
 * POX Autodiscover (protocols.md §2.3–§2.7). Every outcome is an Autodiscover document with HTTP
 * 200, as Exchange answers, so clients read the error code instead of guessing from a status.
 */
export function answerAutodiscoverPost(
  snapshot: Snapshot,
  request: { body: Buffer | string; now: Date },
): Answer {
  const parsed = parsePoxRequest(request.body);
  if (!parsed.ok)
    return poxError(
      snapshot,
      request.now,
      parsed.code,
      parsed.schema,
      parsed.code === 600 ? 'bad-request' : 'unknown-domain',
    );
  const { emailAddress, responseSchema } = parsed.request;
  const schema = responseSchema === 'mobilesync' ? 'mobilesync' : 'outlook';
  const address = parseEmailAddress(emailAddress);
  if (!address.ok) return poxError(snapshot, request.now, 600, schema, 'bad-request');
  const settings: DomainSettings | undefined = snapshot.settings(address.value.domain);
  if (!settings) return poxError(snapshot, request.now, 500, schema, 'unknown-domain');
  const domain = settings.domain;
  const { localPart } = address.value;
  if (responseSchema === 'unsupported')
    return poxError(snapshot, request.now, 601, 'outlook', 'unsupported', domain);
  if (responseSchema === 'mobilesync') {
    const { text } = snapshot.prepared(mobilesyncText, settings);
    if (!text) return poxError(snapshot, request.now, 601, 'mobilesync', 'unsupported', domain);
    return filled(text, address.value, { protocol: 'mobilesync', outcome: 'ok', domain, localPart });
  }
  const { text: outlook } = snapshot.prepared(outlookText, settings);
  // POX cannot describe the domain's servers (protocols/reach): "recognised, but it has no
  // configuration options" rather than settings Outlook would fail to log in with.
  if (!outlook) return poxError(snapshot, request.now, 501, 'outlook', 'unsupported', domain);
  return filled(outlook, address.value, {
    protocol: 'autodiscover',
    outcome: 'ok',
    domain,
    localPart,
  });
}

/**
 * GET on the Autodiscover URL: over https on a served host the domain's POX settings (without
 * LoginName, no address being known), over plain http a 302 to https on the same host, otherwise
 * the 600 error Exchange gives. The decision is {@link decideAutodiscoverGet}.
 */
export function answerAutodiscoverGet(
  snapshot: Snapshot,
  request: { host: string | undefined; secure: boolean; httpsHint?: boolean; now: Date },
): Answer {
  const host = hostName(request.host);
  const domain = domainFromHost(host, ['autodiscover'], (name) => snapshot.settings(name) !== undefined);
  const decision = decideAutodiscoverGet({
    host,
    domain,
    secure: request.secure,
    httpsHint: request.httpsHint === true,
    path: AUTODISCOVER_PATH,
  });
  if (decision.kind === 'redirect')
    return answer(
      302,
      TEXT,
      '',
      { protocol: 'autodiscover', outcome: 'redirect', domain: decision.domain },
      { Location: decision.location, ...NO_STORE },
    );
  const settings = decision.kind === 'settings' ? snapshot.settings(decision.domain) : undefined;
  // Undefined when POX cannot describe the domain's servers (all OAuth2, say): the error below.
  const body = settings && renderOutlookSettingsWithoutAddress(settings);
  if (settings && body)
    return answer(
      200,
      AUTODISCOVER_CONTENT_TYPE,
      body,
      { protocol: 'autodiscover', outcome: 'ok', domain: settings.domain },
      NO_STORE,
    );
  return poxError(snapshot, request.now, 600, 'outlook', 'bad-request', domain);
}

/** POX Autodiscover: Outlook's and ActiveSync's POST, and the GET some clients try first. */
export const autodiscoverPoxEndpoint: Endpoint = {
  name: 'autodiscover-pox',
  protocol: 'autodiscover',
  paths: [AUTODISCOVER_PATH],
  methods: ['GET', 'POST'],
  kind: 'machine',
  rateLimited: true,
  hot: true,
  body: {
    limit: POX_BODY_LIMIT,
    accepts: acceptsPoxMediaType,
    acceptHeader: 'text/xml, application/xml',
  },
  // A repeated parameter or an unreadable body is an invalid request to Autodiscover: its clients
  // read the error code in the document, not the HTTP status.
  refuse: (_refusal, ctx) => invalidPoxRequest(ctx.snapshot, ctx.now),
  answer: (request, ctx) =>
    request.method === 'POST'
      ? answerAutodiscoverPost(ctx.snapshot, { body: request.body, now: ctx.now })
      : answerAutodiscoverGet(ctx.snapshot, {
          host: request.host,
          secure: request.secure,
          httpsHint: httpsHint(request.headers),
          now: ctx.now,
        }),
  render: [
    {
      format: 'autodiscover',
      render: (snapshot, address, now) =>
        answerAutodiscoverPost(snapshot, { body: poxRequest(address, 'outlook'), now }),
    },
    {
      format: 'mobilesync',
      render: (snapshot, address, now) =>
        answerAutodiscoverPost(snapshot, { body: poxRequest(address, 'mobilesync'), now }),
    },
  ],
};
