import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ConfigHolder } from '../catalog/config-holder';
import { createOpsApp, createService } from '../http/app';
import { ServiceMetrics } from '../http/metrics';
import { createObserver } from '../http/observe';
import { boundRequestsInFlight, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connection-limits';

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** Set when metrics have their own listen address. */
  readonly metricsUrl: string | undefined;
  readonly metrics: ServiceMetrics;
  /** Stops accepting, lets in-flight requests finish, and force-closes what is left after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface Timeouts {
  readonly headersMs: number;
  readonly requestMs: number;
  readonly keepAliveMs: number;
}

export interface StartOptions extends ListenAddress {
  readonly holder: ConfigHolder;
  readonly logger: Logger;
  readonly trustProxy?: boolean | string | number | string[];
  readonly rateLimitPerMinute?: number;
  /** Serve /metrics (and the health paths) here instead of on the main address. */
  readonly metricsListen?: ListenAddress;
  readonly timeouts?: Timeouts;
  readonly userHashKey?: string;
  /**
   * Answer the hot endpoints' requests before Express (the pre-router): the same route table,
   * admission, rate limiter and writer, without Express's per-request setup. Default on.
   */
  readonly preRouter?: boolean;
  /** Defaults: DEFAULT_CONNECTION_LIMITS. */
  readonly connectionLimits?: Partial<ConnectionLimits>;
}

/** Slow-loris bounds: clients send a few hundred bytes, so seconds are plenty. */
export const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 10_000, requestMs: 15_000, keepAliveMs: 5_000 };

async function listen(
  handler: RequestListener,
  at: ListenAddress,
  timeouts: Timeouts,
  limits: ConnectionLimits,
) {
  const server: Server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // Node checks the two timeouts above only this often (30 s by default), which would let a
      // slow client hold a connection three times longer than configured.
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    },
    // A keep-alive connection whose last request ends during shutdown would otherwise stay open
    // (and hold the process) until its idle timeout.
    boundRequestsInFlight(handler, limits.maxRequestsInFlight, () => {
      if (closing.has(server)) setImmediate(() => server.closeIdleConnections());
    }),
  );
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${host}:${address.port}` };
}

const closing = new WeakSet<Server>();

function closeServer(server: Server, graceMs: number): Promise<void> {
  closing.add(server);
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    // Idle keep-alive connections would otherwise hold close() open until they time out.
    server.closeIdleConnections();
  });
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { holder, logger } = options;
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits };
  const status = () => holder.status();
  const metrics = new ServiceMetrics(status, { processMetrics: true });
  let draining = false;
  const observe = createObserver({ logger, metrics, userHashKey: options.userHashKey });
  const common = {
    snapshot: () => holder.snapshot(),
    logger,
    status,
    metrics,
    observe,
    draining: () => draining,
  };
  const { app, preRoute } = createService({
    ...common,
    serveMetrics: options.metricsListen === undefined,
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
    ...(options.rateLimitPerMinute !== undefined && { rateLimitPerMinute: options.rateLimitPerMinute }),
  });
  const handler: RequestListener =
    options.preRouter === false
      ? app
      : (req, res) => {
          if (!preRoute(req, res)) void app(req, res);
        };
  const main = await listen(handler, options, timeouts, limits);
  let ops: Awaited<ReturnType<typeof listen>> | undefined;
  if (options.metricsListen) {
    try {
      ops = await listen(createOpsApp(common), options.metricsListen, timeouts, limits);
    } catch (error) {
      await closeServer(main.server, 0);
      throw error;
    }
  }
  return {
    server: main.server,
    url: main.url,
    metricsUrl: ops?.url,
    metrics,
    close: async (graceMs = 10_000) => {
      draining = true;
      await closeServer(main.server, graceMs);
      if (ops) await closeServer(ops.server, graceMs);
    },
  };
}
