import type { IncomingHttpHeaders } from 'node:http';

/**
 * How a GET of the Autodiscover URL is answered (protocols.md §2.1, §2.2):
 * - `settings`: it came over https (directly, through a trusted proxy, or with any https hint from
 *   a proxy) on a served host: the domain's POX settings, which Delta Chat reads;
 * - `redirect`: plain http on a served host: a 302 to the https URL of the same host, as Outlook's
 *   redirect probe expects. Never to the URL it came on: a request with any sign of https gets the
 *   settings instead, so a TLS proxy whose forwarding headers the server does not trust cannot
 *   cause a redirect loop;
 * - `error`: any other host: the 600 error Exchange gives.
 */
export type AutodiscoverGetDecision =
  | { readonly kind: 'settings'; readonly domain: string }
  | { readonly kind: 'redirect'; readonly domain: string; readonly location: string }
  | { readonly kind: 'error'; readonly domain?: string };

export function decideAutodiscoverGet(request: {
  /** The Host header's name, when it is a DNS name. */
  readonly host: string | undefined;
  /** The served domain that host names, if any. */
  readonly domain: string | undefined;
  /** The connection was https, or a trusted proxy said so. */
  readonly secure: boolean;
  /** A proxy header says https, trusted or not. */
  readonly httpsHint: boolean;
  readonly path: string;
}): AutodiscoverGetDecision {
  const { host, domain } = request;
  if (!host || !domain) return domain ? { kind: 'error', domain } : { kind: 'error' };
  if (request.secure || request.httpsHint) return { kind: 'settings', domain };
  return { kind: 'redirect', domain, location: `https://${host}${request.path}` };
}

const headerText = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value.join(',') : (value ?? '')).toLowerCase();

/**
 * Whether any forwarding header says the client spoke https to a proxy: `X-Forwarded-Proto`
 * (Caddy, nginx, Kubernetes ingress controllers, Traefik, AWS/GCP load balancers), `Forwarded:
 * proto=https` (RFC 7239), `X-Forwarded-Ssl: on`, `Front-End-Https: on` (IIS/ARR). Every hop's value
 * counts. Used only to avoid redirecting to https a request that already came over it: the answer
 * holds no secret, so a forged header gains nothing.
 */
export function httpsHint(headers: IncomingHttpHeaders): boolean {
  const proto = headerText(headers['x-forwarded-proto']);
  if (proto.split(',').some((value) => value.trim() === 'https')) return true;
  if (/(^|[;,\s])proto="?https"?(\s*[;,]|$)/.test(headerText(headers.forwarded))) return true;
  if (headerText(headers['x-forwarded-ssl']).trim() === 'on') return true;
  return headerText(headers['front-end-https']).trim() === 'on';
}
