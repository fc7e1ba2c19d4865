import type { HttpResult } from './http-client';
import { fail, pass, type CheckResult } from './result';

/** One Autodiscover v2 answer, compared with the one this config gives (protocols.md §2.8). */
export function checkAutodiscoverJsonAnswer(
  result: HttpResult,
  expectedJson: string,
  pointHere: string,
): CheckResult {
  const subject = `GET ${result.url}`;
  if (!result.ok) return fail('autodiscover', subject, result.error, pointHere);
  if (result.status !== 200)
    return fail(
      'autodiscover',
      subject,
      `HTTP ${result.status}`,
      `it must answer 200 with {"Protocol":"AutodiscoverV1","Url":…}: ${pointHere}`,
    );
  let got: { Protocol?: unknown; Url?: unknown };
  try {
    got = JSON.parse(result.body) as typeof got;
  } catch {
    return fail('autodiscover', subject, 'the answer is not JSON', pointHere);
  }
  const want = JSON.parse(expectedJson) as { Protocol?: string; Url?: string };
  if (got.Protocol !== want.Protocol || got.Url !== want.Url)
    return fail(
      'autodiscover',
      subject,
      `points at ${typeof got.Url === 'string' ? got.Url : '(no Url)'}, the config says ${want.Url ?? '(none)'}`,
      `the server behind this URL serves other settings: reload it with this config, or ${pointHere}`,
    );
  return pass('autodiscover', subject, `Autodiscover v2 points at ${want.Url ?? ''}`);
}

/**
 * The domains Thunderbird asks for autoconfig when it looks at the MX (protocols.md §1.1): the MX
 * host's base domain and the sub-domain below it, unless that is the mail domain itself. Without
 * the public suffix list a base domain is the last two labels, or three under a two-letter
 * country code whose second level is short (co.uk, com.au): right for the usual hosters.
 */
export function mxLookupDomains(mxHost: string, mailDomain: string): string[] {
  const labels = mxHost.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length < 2) return [];
  const tld = labels.at(-1) ?? '';
  const second = labels.at(-2) ?? '';
  const baseLength = tld.length === 2 && second.length <= 3 && labels.length >= 3 ? 3 : 2;
  const base = labels.slice(-baseLength).join('.');
  const sub = labels.length > baseLength + 1 ? labels.slice(-(baseLength + 1)).join('.') : undefined;
  const domain = mailDomain.toLowerCase();
  if (base === domain) return [];
  return sub && sub !== domain ? [base, sub] : [base];
}
