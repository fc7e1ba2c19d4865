import { ownBuffer } from '../catalog/snapshot';
import type { Preparer } from '../catalog/prepared-cache';
import type { Snapshot } from '../catalog/snapshot';
import { parseEmailAddress } from '../core/address';
import { AUTOCONFIG_CONTENT_TYPE } from '../protocols/mozilla';
import { answer, MESSAGES, NO_STORE, plain, TEXT, type Answer } from './answer';
import { autoconfigTemplate, fillAutoconfig } from './autoconfig-template';
import type { Endpoint } from './endpoint';
import { domainFromHost, hostName } from './host';

export const AUTOCONFIG_PATHS = [
  '/mail/config-v1.1.xml',
  '/.well-known/autoconfig/mail/config-v1.1.xml',
] as const;

/**
 * The whole answer for a domain, built once: the document does not depend on the address, so
 * every request for the domain gets the same object (only its log meta differs).
 */
const autoconfigAnswer: Preparer<Answer> = {
  name: 'autoconfig',
  prepare: (settings, catalog) =>
    answer(
      200,
      AUTOCONFIG_CONTENT_TYPE,
      ownBuffer(fillAutoconfig(catalog.prepared(autoconfigTemplate, settings), settings)),
      { protocol: 'autoconfig', outcome: 'ok', domain: settings.domain },
      { 'Cache-Control': 'public, max-age=3600' },
    ),
  size: (value) => value.body.length + 400,
};

const BAD_ADDRESS = answer(
  400,
  TEXT,
  MESSAGES.badAddress,
  { protocol: 'autoconfig', outcome: 'bad-request' },
  NO_STORE,
);
const UNKNOWN = answer(
  404,
  TEXT,
  MESSAGES.unknownDomain,
  { protocol: 'autoconfig', outcome: 'unknown-domain' },
  NO_STORE,
);

/**
 * Mozilla autoconfig (protocols.md §1.1, §1.2). The domain comes from `emailaddress` when given,
 * else from the Host header (`autoconfig.<domain>` or `<domain>`), because several clients send no
 * address.
 */
export function answerAutoconfig(
  snapshot: Snapshot,
  request: { emailaddress: unknown; host: string | undefined },
): Answer {
  let domain: string | undefined;
  let localPart: string | undefined;
  if (request.emailaddress !== undefined) {
    if (typeof request.emailaddress !== 'string') return BAD_ADDRESS;
    const parsed = parseEmailAddress(request.emailaddress);
    if (!parsed.ok) return BAD_ADDRESS;
    domain = parsed.value.domain;
    localPart = parsed.value.localPart;
  } else {
    domain = domainFromHost(
      hostName(request.host),
      ['autoconfig'],
      (name) => snapshot.settings(name) !== undefined,
    );
  }
  const settings = domain === undefined ? undefined : snapshot.settings(domain);
  if (!settings) return UNKNOWN;
  const ok = snapshot.prepared(autoconfigAnswer, settings);
  // The answer is shared by all requests for the domain; only the log's hashed login differs.
  // Written out: spreading `ok` and then replacing `meta` took V8's slow path (0.6 µs a request).
  if (localPart === undefined) return ok;
  const { protocol, outcome, domain: served } = ok.meta;
  return {
    status: ok.status,
    headers: ok.headers,
    body: ok.body,
    meta:
      served === undefined
        ? { protocol, outcome, localPart }
        : { protocol, outcome, domain: served, localPart },
  };
}

export const autoconfigEndpoint: Endpoint = {
  name: 'autoconfig',
  protocol: 'autoconfig',
  paths: AUTOCONFIG_PATHS,
  methods: ['GET'],
  kind: 'machine',
  rateLimited: true,
  hot: true,
  refuse: () => plain(400, MESSAGES.badQuery, { protocol: 'autoconfig', outcome: 'bad-request' }),
  answer: (request, ctx) =>
    answerAutoconfig(ctx.snapshot, { emailaddress: request.query.get('emailaddress'), host: request.host }),
  render: [
    {
      format: 'autoconfig',
      render: (snapshot, address) => answerAutoconfig(snapshot, { emailaddress: address, host: undefined }),
    },
  ],
};
