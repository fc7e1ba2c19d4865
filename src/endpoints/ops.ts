import type { ConfigStatus } from '../catalog/config-holder';
import { sourcesReadiness } from '../sources/readiness';
import { answer, NO_STORE, type Answer } from './answer';
import type { Endpoint } from './endpoint';

export const OPS_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

/** What the ops endpoints read; given by the server that owns them. */
export interface OpsDeps {
  /** Config generation and last reload result, for readiness. */
  readonly status: () => ConfigStatus;
  /** True once shutdown has begun: readiness fails so balancers stop sending new requests. */
  readonly draining: () => boolean;
  /** The Prometheus text and its content type; absent when /metrics is served elsewhere. */
  readonly metrics?: () => Promise<{ contentType: string; text: string }>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function json(status: number, body: unknown): Answer {
  return answer(
    status,
    JSON_TYPE,
    JSON.stringify(body),
    { protocol: 'ops', outcome: status < 400 ? 'ok' : 'error' },
    NO_STORE,
  );
}

const ALIVE = json(200, { status: 'alive' });

const ops = { protocol: 'ops', methods: ['GET'], kind: 'machine', rateLimited: false } as const;

/**
 * Liveness, readiness and Prometheus metrics. The paths are fixed because probes, container
 * health checks and proxies are written against them. Probes and scrapes are never rate limited:
 * a throttled /readyz would take a healthy server out of rotation.
 */
export function opsEndpoints(deps: OpsDeps): Endpoint[] {
  const endpoints: Endpoint[] = [
    { ...ops, name: 'healthz', paths: [OPS_PATHS.health], answer: () => ALIVE },
    {
      ...ops,
      name: 'readyz',
      paths: [OPS_PATHS.ready],
      answer: () => {
        const status = deps.status();
        const sources = sourcesReadiness(status.sources ?? []);
        const detail = {
          ...(status.version !== undefined && { version: status.version }),
          generation: status.generation,
          loadedAt: status.loadedAt.toISOString(),
          domains: status.domains,
          names: status.names,
          lastReload: {
            at: status.lastAttempt.at.toISOString(),
            ok: status.lastAttempt.ok,
            errors: status.lastErrors,
          },
          ...(status.sources && { sources: sources.sources }),
        };
        // A failed reload leaves the last good config serving, so the server stays ready; the
        // detail says what went wrong.
        // Sources that never answered (or failed past their allowed staleness) take it out of
        // rotation: it would answer their domains with 404.
        if (deps.draining()) return json(503, { status: 'draining', ...detail });
        if (!sources.ready) return json(503, { status: 'not-ready', reasons: sources.reasons, ...detail });
        return json(200, { status: 'ready', ...detail });
      },
    },
  ];
  const metrics = deps.metrics;
  if (metrics)
    endpoints.push({
      ...ops,
      name: 'metrics',
      paths: [OPS_PATHS.metrics],
      answer: async () => {
        const { contentType, text } = await metrics();
        return answer(200, contentType, text, { protocol: 'ops', outcome: 'ok' }, NO_STORE);
      },
    });
  return endpoints;
}
