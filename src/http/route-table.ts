import type { Endpoint } from '../endpoints/endpoint';

/** Which endpoint a request target names, and the parts admission reads. */
export interface RouteMatch {
  readonly endpoint: Endpoint;
  /** For prefix endpoints: the path after the prefix, in its original case and encoding. */
  readonly rest: string;
  /** Everything after the first `?`, without it; '' when there is none. */
  readonly query: string;
}

/** `http://host` in an absolute-form request target (`GET http://host/path HTTP/1.1`). */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i;

export interface RouteTable {
  /** The endpoint for a request target, or undefined (404). Never throws. */
  match(url: string | undefined): RouteMatch | undefined;
  readonly endpoints: readonly Endpoint[];
}

/**
 * Matching built from the endpoint list, the one place path rules live: letter case is ignored,
 * as is one trailing slash (`/autodiscover/autodiscover.xml/` is the POX endpoint, with all its
 * rules); an absolute-form target is matched by its path. Nothing else is normalised: `//`,
 * `/./` and percent-escapes in the path name no endpoint.
 */
export function createRouteTable(endpoints: readonly Endpoint[]): RouteTable {
  const exact = new Map<string, Endpoint>();
  const prefixed: Endpoint[] = [];
  for (const endpoint of endpoints) {
    for (const path of endpoint.paths) {
      if (path !== path.toLowerCase())
        throw new Error(`endpoint ${endpoint.name}: path ${path} is not lower-case`);
      if (exact.has(path)) throw new Error(`endpoint ${endpoint.name}: path ${path} is taken`);
      exact.set(path, endpoint);
    }
    if (endpoint.prefix !== undefined) prefixed.push(endpoint);
  }
  return {
    endpoints,
    match(url) {
      const target = url ?? '/';
      const queryAt = target.indexOf('?');
      let path = queryAt < 0 ? target : target.slice(0, queryAt);
      const query = queryAt < 0 ? '' : target.slice(queryAt + 1);
      if (path.charCodeAt(0) !== 47 /* / */) path = path.replace(ABSOLUTE_FORM, '') || '/';
      const last = path.length - 1;
      // One trailing slash, not more: `//` is not `/`, nor `/settings//` the page.
      if (last > 0 && path.charCodeAt(last) === 47 && path.charCodeAt(last - 1) !== 47)
        path = path.slice(0, -1);
      const lower = path.toLowerCase();
      const endpoint = exact.get(lower);
      if (endpoint) return { endpoint, rest: '', query };
      for (const candidate of prefixed) {
        const prefix = candidate.prefix as string;
        if (lower.length > prefix.length && lower.startsWith(prefix))
          return { endpoint: candidate, rest: path.slice(prefix.length), query };
      }
      return undefined;
    },
  };
}
