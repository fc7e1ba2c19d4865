import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { ConnectTo } from '../probe/dialer';
import type { Endpoint } from './endpoint';

export interface HttpOptions {
  /** Send every request to this address instead of the URL's host (the Host header and SNI stay). */
  readonly connectTo?: Endpoint;
  /** Per host and port (`--connect-to HOST:PORT:ADDRESS:PORT`); checked before `connectTo`. */
  readonly connectToMap?: readonly ConnectTo[];
  /**
   * Host name to addresses through the resolver the command was given, so the HTTP checks see the
   * same DNS as the record checks (and tests never ask the machine's resolver). Default: the system's.
   */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
  /** Trusted CA certificates (PEM) instead of Node's default roots. */
  readonly ca?: readonly string[];
  /** Skip TLS certificate verification. */
  readonly insecure?: boolean;
  readonly timeoutMs?: number;
}

export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Report a redirect instead of following it (to check the redirect itself). Default: follow. */
  readonly followRedirects?: boolean;
}

export type HttpResult =
  | {
      readonly ok: true;
      readonly url: string;
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      readonly body: string;
      /** The URLs followed before this answer, oldest first. */
      readonly redirects: readonly string[];
    }
  | { readonly ok: false; readonly url: string; readonly error: string };

/** Thunderbird gives each autoconfig request 5 s (protocols.md §1.1). */
const DEFAULT_TIMEOUT_MS = 5000;
/** Answers are a few KiB; anything far larger is not an autoconfig document. */
const MAX_BODY = 1024 * 1024;
const MAX_REDIRECTS = 5;
/** Clients follow these for GET; a POST only survives 307/308 (protocols.md §2.2). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const POST_REDIRECTS = new Set([307, 308]);

/** One request the way a mail client sends it, following redirects the way clients do. */
export async function fetchLikeClient(request: HttpRequest, options: HttpOptions): Promise<HttpResult> {
  const redirects: string[] = [];
  let url = request.url;
  for (;;) {
    const result = await once({ ...request, url }, options);
    if (!result.ok) return result;
    const location = result.headers.location;
    const follow =
      request.followRedirects === false
        ? new Set<number>()
        : request.method === 'GET'
          ? REDIRECTS
          : POST_REDIRECTS;
    if (!follow.has(result.status) || !location || redirects.length >= MAX_REDIRECTS)
      return { ...result, redirects };
    redirects.push(url);
    try {
      url = new URL(location, url).toString();
    } catch {
      return { ok: false, url, error: `redirect to an invalid URL` };
    }
    if (!/^https?:$/.test(new URL(url).protocol))
      return { ok: false, url, error: 'redirect to a non-HTTP URL' };
  }
}

function once(request: HttpRequest, options: HttpOptions): Promise<HttpResult> {
  const target = new URL(request.url);
  const secure = target.protocol === 'https:';
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || (secure ? 443 : 80));
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  const mapped = options.connectToMap?.find(
    (entry) =>
      (entry.host === '' || entry.host === hostname.toLowerCase()) &&
      (entry.port === 0 || entry.port === port),
  );
  const connectHost = mapped?.address ?? options.connectTo?.host ?? hostname;
  const connectPort = mapped?.connectPort ?? options.connectTo?.port ?? port;
  return new Promise((resolve) => {
    const send = secure ? httpsRequest : httpRequest;
    const req = send(
      {
        host: connectHost,
        port: connectPort,
        method: request.method,
        path: `${target.pathname}${target.search}`,
        headers: {
          Host: target.host,
          'User-Agent': 'mail-autoconf-check',
          ...request.headers,
          ...(body && { 'Content-Length': String(body.length) }),
        },
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(secure && {
          servername: isIP(hostname) ? undefined : hostname,
          rejectUnauthorized: !options.insecure,
          ...(options.ca && { ca: [...options.ca] }),
        }),
        agent: false,
        ...(options.resolve && !mapped && !options.connectTo && { lookup: resolverLookup(options.resolve) }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            req.destroy(new Error(`answer larger than ${MAX_BODY} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            ok: true,
            url: request.url,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            redirects: [],
          }),
        );
        res.on('error', (error) => resolve({ ok: false, url: request.url, error: describe(error) }));
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
    );
    req.on('error', (error) => resolve({ ok: false, url: request.url, error: describe(error) }));
    req.end(body);
  });
}

function resolverLookup(resolve: (host: string) => Promise<readonly string[]>): LookupFunction {
  return (host, options, callback) => {
    if (isIP(host)) {
      const entry = { address: host, family: isIP(host) };
      if (options.all) callback(null, [entry]);
      else callback(null, host, entry.family);
      return;
    }
    resolve(host).then(
      (addresses) => {
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`${host} has no A or AAAA record`);
          error.code = 'ENOTFOUND';
          callback(error, options.all ? [] : '', 0);
          return;
        }
        if (options.all)
          callback(
            null,
            addresses.map((address) => ({ address, family: isIP(address) })),
          );
        else callback(null, addresses[0] as string, isIP(addresses[0] as string));
      },
      (error: Error) => callback(error, options.all ? [] : '', 0),
    );
  };
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
