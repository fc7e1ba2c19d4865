import { parseEmailAddress } from '../core/address';
import {
  AUTODISCOVER_JSON_CONTENT_TYPE,
  canonicalProtocol,
  renderJsonError,
} from '../protocols/autodiscover-json';
import { answer, NO_STORE, type Answer, type AnswerOutcome } from './answers';
import type { Snapshot } from './snapshot';

export const AUTODISCOVER_JSON_PATH = '/autodiscover/autodiscover.json';
export const AUTODISCOVER_JSON_V1_PREFIX = '/autodiscover/autodiscover.json/v1.0/';

const INVALID_EMAIL = renderJsonError('InvalidEmail', 'The email address must be one valid email address.');
/** One answer for every unknown domain, whatever the protocol, so nothing can be learnt from it. */
const UNKNOWN_DOMAIN = renderJsonError(
  'UnknownDomain',
  'No mail settings are published here for this domain.',
);

/**
 * Autodiscover v2 JSON (protocols.md §2.8), for both URL forms: the address comes from the path
 * (`/v1.0/{address}`) or from `Email`, the protocol from `Protocol`, matched without case. The
 * answer depends only on the domain and the protocol, never on the mailbox.
 */
export function answerAutodiscoverJson(
  snapshot: Snapshot,
  request: { address: unknown; protocol: unknown },
): Answer {
  const meta = { protocol: 'autodiscover-json' } as const;
  const error = (body: string, outcome: AnswerOutcome, domain?: string) =>
    answer(
      400,
      AUTODISCOVER_JSON_CONTENT_TYPE,
      body,
      { ...meta, outcome, ...(domain !== undefined && { domain }) },
      NO_STORE,
    );
  const parsed = typeof request.address === 'string' ? parseEmailAddress(request.address) : undefined;
  if (!parsed?.ok) return error(INVALID_EMAIL, 'bad-request');
  const prepared = snapshot.lookup(parsed.value.domain);
  if (!prepared) return error(UNKNOWN_DOMAIN, 'unknown-domain');
  const domain = prepared.settings.domain;
  const protocol = typeof request.protocol === 'string' ? canonicalProtocol(request.protocol) : undefined;
  const body = protocol && prepared.autodiscoverJson.answers[protocol];
  if (!body) return error(prepared.autodiscoverJson.invalidProtocol, 'unsupported', domain);
  return answer(
    200,
    AUTODISCOVER_JSON_CONTENT_TYPE,
    body,
    { ...meta, outcome: 'ok', domain },
    { 'Cache-Control': 'public, max-age=3600' },
  );
}
