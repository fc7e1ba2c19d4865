import pino from 'pino';
import { ConfigHolder } from '../../src/catalog/config-holder';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/start';
import { loadExample } from './example';

/**
 * Registers the hooks of a suite that starts real servers on the shipped example config (loopback,
 * a free port, silent logs) and returns the starter; every server started is closed after its test.
 */
export function exampleServers(): (options?: Partial<StartOptions>) => Promise<RunningServer> {
  let holder: ConfigHolder;
  const running: RunningServer[] = [];
  beforeAll(async () => {
    holder = ConfigHolder.fromConfig('unused', await loadExample());
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close(0)));
  });
  return async (options = {}) => {
    const server = await startServer({
      holder,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      ...options,
    });
    running.push(server);
    return server;
  };
}
