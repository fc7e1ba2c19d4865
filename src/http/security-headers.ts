import { validateHeaderName, validateHeaderValue } from 'node:http';
import helmet from 'helmet';
import type { AnswerKind } from '../endpoints/endpoint';

/** One year, without includeSubDomains: see {@link HSTS}. */
const HSTS_MAX_AGE = 31_536_000;

/**
 * Sent only on requests that came over https (a browser ignores it over http anyway, and saying
 * it there would be a lie). No `includeSubDomains`: the service answers on a customer's own
 * domain too (apex autoconfig, `tls.allowApex`), and one such answer would otherwise pin every
 * subdomain of that customer to https for a year.
 */
const HSTS = ['Strict-Transport-Security', `max-age=${HSTS_MAX_AGE}`] as const;

/**
 * Answers for programs (XML, JSON, plist, SVG, plain text), after OWASP's REST Security Cheat
 * Sheet: no sniffing, nothing may run or be framed, no referrer. Cache-Control comes with each
 * answer, since what may be cached depends on the answer.
 */
const MACHINE = [
  'X-Content-Type-Options',
  'nosniff',
  'Content-Security-Policy',
  "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy',
  'no-referrer',
] as const;

/**
 * What helmet sets on a page for people, in its order and letter case, minus HSTS (added per
 * request, above). Helmet writes headers with `setHeader` and nothing else and reads nothing from
 * the request, so recording its calls once gives exactly what it would add to every page.
 */
function helmetHeaders(): string[] {
  const names: string[] = [];
  const values = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      if (!values.has(name)) names.push(name);
      values.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader(name: string) {
      values.delete(name);
    },
  };
  let failure: unknown;
  // Typed for Express objects; helmet only calls the two methods above.
  const middleware = helmet({ strictTransportSecurity: false }) as unknown as (
    req: object,
    res: typeof recorder,
    next: (error?: unknown) => void,
  ) => void;
  middleware({}, recorder, (error) => {
    failure = error;
  });
  if (failure !== undefined) throw new Error('helmet refused to set its headers');
  return names.filter((name) => values.has(name)).flatMap((name) => [name, values.get(name) as string]);
}

export type HeaderBlock = readonly string[];

export interface SecurityHeaders {
  /** `[name, value, …]` for an answer of `kind` to a request that came over https or not. */
  block(kind: AnswerKind, secure: boolean): HeaderBlock;
}

/** The four header blocks, computed and validated once (Node would check them on every answer). */
export function securityHeaders(): SecurityHeaders {
  const html = helmetHeaders();
  const blocks = {
    html: [html, [...html, ...HSTS]],
    machine: [[...MACHINE], [...MACHINE, ...HSTS]],
  } as const;
  for (const list of [...blocks.html, ...blocks.machine])
    for (let i = 0; i < list.length; i += 2) {
      validateHeaderName(list[i] as string);
      validateHeaderValue(list[i] as string, list[i + 1] as string);
    }
  const frozen = {
    html: blocks.html.map((list) => Object.freeze(list)),
    machine: blocks.machine.map((list) => Object.freeze(list)),
  };
  return { block: (kind, secure) => frozen[kind][secure ? 1 : 0] as HeaderBlock };
}
