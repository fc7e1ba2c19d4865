import type { Command } from 'commander';
import pino from 'pino';
import { ConfigHolder } from '../../catalog/config-holder';
import { parseListenAddress } from '../../server/listen-address';
import { reloadAndReport } from '../../server/reload';
import { DEFAULT_CONNECTION_LIMITS } from '../../server/connection-limits';
import { startServer, type ListenAddress, type RunningServer } from '../../server/start';
import { parseTrustProxy } from '../../server/trust-proxy';
import { watchConfigDir, type ConfigWatcher } from '../../server/watch-config';
import { startSources } from '../../server/serve-sources';
import { clientRecordGaps } from '../client-records';
import { resolveConfigDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';

interface ServeOptions {
  config?: string;
  port?: string;
  host?: string;
  watch?: boolean;
  watchDebounce?: string;
  trustProxy?: string;
  allowBroadTrustProxy?: boolean;
  rateLimit?: string;
  maxConnections?: string;
  metricsListen?: string;
  shutdownGrace?: string;
  logLevel?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535)
    throw new CliExit(EXIT.usage, `invalid port: ${value}`);
  return port;
}

function parseCount(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new CliExit(EXIT.usage, `invalid ${name}: ${value} (expected a whole number ≥ ${min})`);
  return Number(value);
}

function optional<T>(value: string | undefined, parse: (text: string) => T): T | undefined {
  return value === undefined || value === '' ? undefined : parse(value);
}

/** Every serve setting, from flags first and the environment second, checked before anything starts. */
function settingsFrom(options: ServeOptions, io: CliIo) {
  const env = io.env;
  const allowBroadTrustProxy =
    options.allowBroadTrustProxy ??
    ['1', 'true', 'yes'].includes((env.MAIL_AUTOCONF_ALLOW_BROAD_TRUST_PROXY ?? '').toLowerCase());
  const trustProxy = parseTrustProxy(options.trustProxy ?? env.MAIL_AUTOCONF_TRUST_PROXY, {
    allowBroad: allowBroadTrustProxy,
  });
  if (typeof trustProxy === 'object' && !Array.isArray(trustProxy))
    throw new CliExit(EXIT.usage, trustProxy.error);
  const logLevel = options.logLevel ?? env.MAIL_AUTOCONF_LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new CliExit(EXIT.usage, `invalid log level: ${logLevel} (one of ${LOG_LEVELS.join(', ')})`);
  // A secret, so it is read from the environment only: command lines are visible to every user.
  const userHashKey = env.MAIL_AUTOCONF_LOG_USER_HASH_KEY || undefined;
  if (userHashKey !== undefined && userHashKey.length < 16)
    throw new CliExit(EXIT.usage, 'MAIL_AUTOCONF_LOG_USER_HASH_KEY must be at least 16 characters long');
  return {
    userHashKey,
    port: parsePort(options.port ?? env.PORT ?? '8080'),
    host: options.host ?? env.HOST ?? '127.0.0.1',
    watch: options.watch ?? ['1', 'true', 'yes'].includes((env.MAIL_AUTOCONF_WATCH ?? '').toLowerCase()),
    watchDebounceMs: parseCount('watch debounce', options.watchDebounce ?? '500', 0),
    trustProxy,
    rateLimitPerMinute: optional(options.rateLimit ?? env.MAIL_AUTOCONF_RATE_LIMIT, (text) =>
      parseCount('rate limit', text, 1),
    ),
    maxConnections: parseCount(
      'max connections',
      options.maxConnections ??
        env.MAIL_AUTOCONF_MAX_CONNECTIONS ??
        String(DEFAULT_CONNECTION_LIMITS.maxConnections),
      1,
    ),
    metricsListen: optional(options.metricsListen ?? env.MAIL_AUTOCONF_METRICS_LISTEN, (text) => {
      const address: ListenAddress | undefined = parseListenAddress(text);
      if (!address)
        throw new CliExit(EXIT.usage, `invalid metrics listen address: ${text} (expected HOST:PORT)`);
      return address;
    }),
    shutdownGraceMs:
      parseCount('shutdown grace', options.shutdownGrace ?? env.MAIL_AUTOCONF_SHUTDOWN_GRACE ?? '10', 0) *
      1000,
    logLevel,
  };
}

/**
 * Warnings `serve` prints at start; `validate` prints them all. A hoster's config can hold thousands
 * of the same warning, and locating each one would slow the start down several times over.
 */
export const SERVE_WARNING_LIMIT = 20;

/** How long a request log line may wait in the buffer at most. */
const LOG_FLUSH_MS = 1_000;

/**
 * The server's logger. Request lines, one per request, are written through a buffer (when the bin
 * provides one) so that logging does not cost a system call per request; every other line
 * (start, reload, shutdown, errors) is flushed at once, because an admin or a supervisor waits for
 * it. What is buffered is flushed at least once a second and when the process exits.
 */
function serverLogger(io: CliIo, level: string): pino.Logger {
  const buffered = io.logDestination?.();
  const destination = buffered ?? io.stdout;
  const logger = pino(
    {
      base: { service: 'mail-autoconf' },
      level,
      hooks: {
        logMethod(args, method) {
          method.apply(this, args);
          if (buffered && args[1] !== 'request') buffered.flush();
        },
      },
    },
    destination,
  );
  if (buffered) setInterval(() => buffered.flush(), LOG_FLUSH_MS).unref();
  return logger;
}

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the HTTP server (autoconfig and Autodiscover) on a config directory')
    .option(
      '--config <dir>',
      'config directory (default: $MAIL_AUTOCONF_CONFIG, ./config, or the bundled example)',
    )
    .option('--port <n>', 'TCP port (default: $PORT or 8080)')
    .option('--host <addr>', 'listen address (default: $HOST or 127.0.0.1)')
    .option('--watch', 'reload when a YAML file below the config directory changes ($MAIL_AUTOCONF_WATCH=1)')
    .option('--watch-debounce <ms>', 'quiet time after the last change before reloading', '500')
    .option(
      '--trust-proxy <list>',
      'proxies whose X-Forwarded-For/-Proto are believed: IPs, CIDRs, loopback, linklocal, uniquelocal, or a hop count ($MAIL_AUTOCONF_TRUST_PROXY; default none)',
    )
    .option(
      '--allow-broad-trust-proxy',
      'accept a --trust-proxy that trusts (nearly) every address (all, 0.0.0.0/0, ::/0, more than 2 hops), for a port only proxies can reach ($MAIL_AUTOCONF_ALLOW_BROAD_TRUST_PROXY=1)',
    )
    .option(
      '--rate-limit <n>',
      'requests per minute per client IP on the protocol endpoints ($MAIL_AUTOCONF_RATE_LIMIT; default off)',
    )
    .option(
      '--max-connections <n>',
      `open connections at most; more are closed on arrival ($MAIL_AUTOCONF_MAX_CONNECTIONS; default ${DEFAULT_CONNECTION_LIMITS.maxConnections})`,
    )
    .option(
      '--metrics-listen <host:port>',
      'serve /metrics on this address instead of the main one ($MAIL_AUTOCONF_METRICS_LISTEN)',
    )
    .option(
      '--shutdown-grace <seconds>',
      'how long in-flight requests may take to finish on SIGTERM/SIGINT ($MAIL_AUTOCONF_SHUTDOWN_GRACE; default 10)',
    )
    .option('--log-level <level>', `${LOG_LEVELS.join('|')} ($MAIL_AUTOCONF_LOG_LEVEL; default info)`)
    .action(async (options: ServeOptions) => {
      const settings = settingsFrom(options, io);
      const logger = serverLogger(io, settings.logLevel);
      const { dir, bundled } = resolveConfigDir(options.config, io);
      const config = await loadOrExit(dir, io, { warningLimit: SERVE_WARNING_LIMIT });
      if (bundled) logger.warn({ dir }, 'no ./config and no --config: serving the bundled EXAMPLE config');
      for (const gap of clientRecordGaps(config)) logger.warn(gap);
      const holder = ConfigHolder.fromConfig(dir, config);
      // Sources load in the background: the server answers for the YAML domains at once, and
      // /readyz says not ready until every source has been read.
      const sources = await startSources(holder, { logger, env: io.env });
      const { host, port } = settings;
      let running: RunningServer;
      try {
        running = await startServer({
          holder,
          logger,
          port,
          host,
          trustProxy: settings.trustProxy,
          connectionLimits: { maxConnections: settings.maxConnections },
          ...(settings.userHashKey !== undefined && { userHashKey: settings.userHashKey }),
          ...(settings.rateLimitPerMinute !== undefined && {
            rateLimitPerMinute: settings.rateLimitPerMinute,
          }),
          ...(settings.metricsListen && { metricsListen: settings.metricsListen }),
        });
      } catch (error) {
        throw new CliExit(EXIT.failed, `cannot listen: ${(error as Error).message}`);
      }
      let watcher: ConfigWatcher | undefined;
      if (settings.watch) {
        watcher = await watchConfigDir(dir, () => void reloadAndReport(holder, logger, 'watch'), {
          debounceMs: settings.watchDebounceMs,
        });
      }
      logger.info(
        {
          url: running.url,
          ...(running.metricsUrl && { metricsUrl: running.metricsUrl }),
          configDir: dir,
          domains: config.domains.length,
          watch: settings.watch,
          rateLimitPerMinute: settings.rateLimitPerMinute ?? null,
          maxConnections: settings.maxConnections,
          trustProxy: settings.trustProxy,
          // So an admin sees at a glance whether downloaded profiles will show as verified.
          profileSigner: config.signer?.subject ?? null,
        },
        'listening',
      );

      if (typeof settings.trustProxy === 'number')
        logger.warn(
          { trustProxy: settings.trustProxy },
          'a trust proxy hop count believes X-Forwarded-For from whatever connects: keep the port reachable by the proxy alone, or name the proxy addresses instead',
        );
      io.onReloadSignal?.(() => void reloadAndReport(holder, logger, 'SIGHUP'));
      const signal = await (io.waitForStop?.() ?? new Promise<string>(() => undefined));
      // The listener closes first: once this line is logged, new connections are refused.
      const closed = running.close(settings.shutdownGraceMs);
      logger.info(
        { signal, graceMs: settings.shutdownGraceMs },
        'shutting down: draining in-flight requests',
      );
      await watcher?.close();
      await sources?.close();
      await closed;
      logger.info('stopped');
    });
}
