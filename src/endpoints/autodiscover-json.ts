import type { Preparer } from '../catalog/prepared-cache';
import type { Snapshot } from '../catalog/snapshot';
import { parseEmailAddress } from '../core/address';
import {
  AUTODISCOVER_JSON_CONTENT_TYPE,
  canonicalProtocol,
  JSON_PROTOCOLS,
  prepareAutodiscoverJson,
  renderJsonError,
  type JsonProtocol,
} from '../protocols/autodiscover-json';
import { answer, NO_STORE, type Answer, type Outcome } from './answer';
import type { Endpoint } from './endpoint';

export const AUTODISCOVER_JSON_PATH = '/autodiscover/autodiscover.json';
export const AUTODISCOVER_JSON_V1_PREFIX = '/autodiscover/autodiscover.json/v1.0/';

function jsonError(body: string, outcome: Outcome, domain?: string): Answer {
  return answer(
    400,
    AUTODISCOVER_JSON_CONTENT_TYPE,
    body,
    { protocol: 'autodiscover-json', outcome, ...(domain !== undefined && { domain }) },
    NO_STORE,
  );
}

const INVALID_EMAIL = jsonError(
  renderJsonError('InvalidEmail', 'The email address must be one valid email address.'),
  'bad-request',
);
/** One answer for every unknown domain, whatever the protocol, so nothing can be learnt from it. */
const UNKNOWN_DOMAIN = jsonError(
  renderJsonError('UnknownDomain', 'No mail settings are published here for this domain.'),
  'unknown-domain',
);

interface PreparedJsonAnswers {
  readonly answers: Partial<Record<JsonProtocol, Answer>>;
  readonly invalidProtocol: Answer;
}

const jsonAnswers: Preparer<PreparedJsonAnswers> = {
  name: 'autodiscover-json',
  prepare: (settings, catalog) => {
    const prepared = prepareAutodiscoverJson(settings, catalog.service);
    const domain = settings.domain;
    const answers: Partial<Record<JsonProtocol, Answer>> = {};
    for (const protocol of JSON_PROTOCOLS) {
      const body = prepared.answers[protocol];
      if (body !== undefined)
        answers[protocol] = answer(
          200,
          AUTODISCOVER_JSON_CONTENT_TYPE,
          body,
          { protocol: 'autodiscover-json', outcome: 'ok', domain },
          { 'Cache-Control': 'public, max-age=3600' },
        );
    }
    return { answers, invalidProtocol: jsonError(prepared.invalidProtocol, 'unsupported', domain) };
  },
  size: (value) => {
    let total = value.invalidProtocol.body.length + 600;
    for (const item of Object.values(value.answers)) total += item.body.length + 600;
    return total;
  },
};

/**
 * Autodiscover v2 JSON (protocols.md §2.8), for both URL forms: the address comes from the path
 * (`/v1.0/{address}`) or from `Email`, the protocol from `Protocol`, matched without case. The
 * answer depends only on the domain and the protocol, never on the mailbox.
 */
export function answerAutodiscoverJson(
  snapshot: Snapshot,
  request: { address: unknown; protocol: unknown },
): Answer {
  const parsed = typeof request.address === 'string' ? parseEmailAddress(request.address) : undefined;
  if (!parsed?.ok) return INVALID_EMAIL;
  const settings = snapshot.settings(parsed.value.domain);
  if (!settings) return UNKNOWN_DOMAIN;
  const prepared = snapshot.prepared(jsonAnswers, settings);
  const protocol = typeof request.protocol === 'string' ? canonicalProtocol(request.protocol) : undefined;
  return (protocol && prepared.answers[protocol]) || prepared.invalidProtocol;
}

/** The address segment of `/v1.0/{address}`; undefined when it is not one decodable segment. */
function addressSegment(rest: string): string | undefined {
  if (rest.includes('/')) return undefined;
  if (!rest.includes('%')) return rest;
  try {
    return decodeURIComponent(rest);
  } catch {
    // A malformed escape is an invalid address, answered in the JSON clients read.
    return undefined;
  }
}

const common = {
  protocol: 'autodiscover-json',
  methods: ['GET'],
  kind: 'machine',
  rateLimited: true,
  hot: true,
  // A repeated `Protocol` is an invalid protocol, a repeated `Email` an invalid address: each in
  // the JSON error clients read, so the answer sees the repetition itself.
  repeatedParameters: 'read',
  refuse: () => INVALID_EMAIL,
} as const;

/** `GET /autodiscover/autodiscover.json/v1.0/{address}?Protocol=…`, as Outlook sends it. */
export const autodiscoverJsonV1Endpoint: Endpoint = {
  ...common,
  name: 'autodiscover-json-v1',
  paths: [],
  prefix: AUTODISCOVER_JSON_V1_PREFIX,
  answer: (request, ctx) =>
    answerAutodiscoverJson(ctx.snapshot, {
      address: addressSegment(request.rest),
      protocol: request.query.get('protocol'),
    }),
  render: [
    {
      format: 'autodiscover-json',
      render: (snapshot, address) =>
        answerAutodiscoverJson(snapshot, { address, protocol: 'AutodiscoverV1' }),
    },
    {
      format: 'autodiscover-json-activesync',
      render: (snapshot, address) => answerAutodiscoverJson(snapshot, { address, protocol: 'ActiveSync' }),
    },
  ],
};

/** `GET /autodiscover/autodiscover.json?Email=…&Protocol=…`. */
export const autodiscoverJsonQueryEndpoint: Endpoint = {
  ...common,
  name: 'autodiscover-json-query',
  paths: [AUTODISCOVER_JSON_PATH],
  answer: (request, ctx) =>
    answerAutodiscoverJson(ctx.snapshot, {
      address: request.query.get('email'),
      protocol: request.query.get('protocol'),
    }),
};
