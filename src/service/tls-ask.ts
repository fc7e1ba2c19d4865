import { normalizeDomain } from '../core/address';
import type { Answer } from './answers';
import type { Snapshot } from './snapshot';

/**
 * The on-demand TLS "ask" endpoint: a TLS-terminating proxy (Caddy's `on_demand_tls { ask … }`)
 * calls it before it obtains a certificate for a name it saw in a TLS handshake, and goes ahead
 * only on a 2xx. Anyone can send any SNI name, so this is what stops strangers from making the
 * proxy request certificates (and burn the ACME rate limits) for names we do not serve.
 */
export const TLS_ASK_PATH = '/.well-known/mail-autoconf/tls-ask';

/** The host name prefixes clients look up for a mail domain (protocols.md §1.1, §2.1). */
export const CERTIFICATE_PREFIXES = ['autoconfig', 'autodiscover'] as const;

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
  const [status, message, outcome] = verdict.ok
    ? ([200, TLS_ASK_MESSAGES.approved, 'ok'] as const)
    : verdict.reason === 'not-served'
      ? ([404, TLS_ASK_MESSAGES.notServed, 'unknown-domain'] as const)
      : ([400, TLS_ASK_MESSAGES[verdict.reason], 'bad-request'] as const);
  const body = Buffer.from(message, 'utf8');
  return {
    status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(body.length),
      // A verdict must follow the config in force, not one cached before a reload.
      'Cache-Control': 'no-store',
    },
    body,
    meta: { protocol: 'tls-ask', outcome, ...(verdict.ok && { domain: verdict.domain }) },
  };
}
