import type { Snapshot } from '../catalog/snapshot';
import { normalizeDomain } from '../core/address';
import { plain, type Answer } from './answer';
import type { Endpoint } from './endpoint';

/**
 * The on-demand TLS "ask" endpoint: a TLS-terminating proxy (Caddy's `on_demand_tls { ask … }`)
 * calls it before it obtains a certificate for a name it saw in a TLS handshake, and goes ahead
 * only on a 2xx. Anyone can send any SNI name, so this is what stops strangers from making the
 * proxy request certificates (and burn the ACME rate limits) for names we do not serve.
 */
export const TLS_ASK_PATH = '/.well-known/mail-autoconf/tls-ask';

/** A DNS name is at most 253 characters, plus one for an optional trailing dot. */
const MAX_NAME = 254;

export const TLS_ASK_MESSAGES = {
  approved: 'Approved: this name is served here.\n',
  notServed: 'Refused: this name is not served here.\n',
  missing: 'Refused: give exactly one domain parameter.\n',
  malformed: 'Refused: the domain parameter is not a host name.\n',
} as const;

export type TlsAskVerdict =
  | { readonly ok: true; readonly name: string; readonly domain: string }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'not-served' };

/**
 * Whether a certificate may be obtained for `raw`. The name is normalised first (case, trailing
 * dot, IDN) so that spelling tricks reach the same verdict as the plain name; wildcards, IP
 * literals and anything that is not a plain host name are refused before any lookup.
 */
export function judgeCertificateName(snapshot: Snapshot, raw: unknown): TlsAskVerdict {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, reason: 'missing' };
  if (raw.length > MAX_NAME || raw.includes('*')) return { ok: false, reason: 'malformed' };
  const name = normalizeDomain(raw);
  if (name === undefined) return { ok: false, reason: 'malformed' };
  const domain = snapshot.certificateDomain(name);
  return domain === undefined ? { ok: false, reason: 'not-served' } : { ok: true, name, domain };
}

export function answerTlsAsk(snapshot: Snapshot, request: { domain: unknown }): Answer {
  const verdict = judgeCertificateName(snapshot, request.domain);
  // A verdict must follow the config in force, not one cached before a reload (plain: no-store).
  if (verdict.ok)
    return plain(200, TLS_ASK_MESSAGES.approved, {
      protocol: 'tls-ask',
      outcome: 'ok',
      domain: verdict.domain,
    });
  if (verdict.reason === 'not-served')
    return plain(404, TLS_ASK_MESSAGES.notServed, { protocol: 'tls-ask', outcome: 'unknown-domain' });
  return plain(400, TLS_ASK_MESSAGES[verdict.reason], { protocol: 'tls-ask', outcome: 'bad-request' });
}

/**
 * Caddy's on-demand TLS asks `GET <ask URL>?domain=<name>`. The proxies in deploy/ keep this path
 * away from the public side. Not rate limited: every ask comes from the proxy's one address, so a
 * stranger's handshakes with random names would spend the bucket and stop real certificates.
 */
export const tlsAskEndpoint: Endpoint = {
  name: 'tls-ask',
  protocol: 'tls-ask',
  paths: [TLS_ASK_PATH],
  methods: ['GET'],
  kind: 'machine',
  rateLimited: false,
  refuse: () => plain(400, TLS_ASK_MESSAGES.missing, { protocol: 'tls-ask', outcome: 'bad-request' }),
  answer: (request, ctx) => answerTlsAsk(ctx.snapshot, { domain: request.query.get('domain') }),
};
