import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from '../http/app';
import { createFastPath, type AnsweredHook } from '../http/fast-path';
import type { ConfigHolder } from '../service/config-holder';

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, and force-closes what is left after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly holder: ConfigHolder;
  readonly logger: Logger;
  readonly port: number;
  readonly host: string;
  readonly trustProxy?: boolean | string | number | string[];
  /**
   * Answer the hot requests (autoconfig GET, Autodiscover POST) without Express. Default on; turn
   * it off for anything that must see every request in Express middleware.
   */
  readonly fastPath?: boolean;
  /** Told about every answer the fast path sends (logs, metrics). */
  readonly onFastAnswer?: AnsweredHook;
}

/** Slow-loris bounds: clients send a few hundred bytes, so seconds are plenty. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const app = createApp({
    snapshot: () => options.holder.snapshot(),
    logger: options.logger,
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
  });
  const fast =
    options.fastPath === false
      ? undefined
      : createFastPath({
          snapshot: () => options.holder.snapshot(),
          ...(options.onFastAnswer && { onAnswered: options.onFastAnswer }),
          onError: (error) =>
            options.logger.error({ err: error }, 'unhandled error while answering a request'),
        });
  const server = createServer(
    { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    fast ? (req, res) => fast(req, res) || app(req, res) : app,
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // Idle keep-alive connections would otherwise hold close() open until they time out.
        server.closeIdleConnections();
      }),
  };
}
