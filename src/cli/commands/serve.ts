import type { Command } from 'commander';
import pino from 'pino';
import { formatProblem } from '../../config/problems';
import { ConfigHolder } from '../../service/config-holder';
import { startServer } from '../../server/start';
import { resolveConfigDir } from '../config-dir';
import { CliExit, type CliIo } from '../io';
import { loadOrExit } from '../load-or-exit';

interface ServeOptions {
  config?: string;
  port?: string;
  host?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) throw new CliExit(2, `invalid port: ${value}`);
  return port;
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
    .action(async (options: ServeOptions) => {
      const logger = pino(
        { base: { service: 'mail-autoconf' } },
        io.stdout as unknown as pino.DestinationStream,
      );
      const { dir, bundled } = resolveConfigDir(options.config, io);
      const config = await loadOrExit(dir, io);
      if (bundled) logger.warn({ dir }, 'no ./config and no --config: serving the bundled example config');
      const holder = ConfigHolder.fromConfig(dir, config);
      const port = parsePort(options.port ?? io.env.PORT ?? '8080');
      const host = options.host ?? io.env.HOST ?? '127.0.0.1';
      let running;
      try {
        running = await startServer({ holder, logger, port, host });
      } catch (error) {
        throw new CliExit(1, `cannot listen on ${host}:${port}: ${(error as Error).message}`);
      }
      logger.info(
        {
          url: running.url,
          configDir: dir,
          domains: config.domains.length,
          // So an admin sees at a glance whether downloaded profiles will show as verified.
          profileSigner: config.signer?.subject ?? null,
        },
        'listening',
      );

      io.onReloadSignal?.(() => {
        void holder.reload().then((outcome) => {
          if (outcome.ok) logger.info({ generation: outcome.generation }, 'config reloaded');
          else
            logger.error(
              { generation: outcome.generation, errors: outcome.errors.map(formatProblem) },
              'config reload failed; still serving the last good config',
            );
        });
      });
      const signal = await (io.waitForStop?.() ?? new Promise<string>(() => undefined));
      logger.info({ signal }, 'shutting down: draining in-flight requests');
      await running.close();
      logger.info('stopped');
    });
}
