import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { statusOfSnapshot } from '../src/catalog/config-holder';
import { loadCatalogDir } from '../src/catalog/load';
import { Snapshot } from '../src/catalog/snapshot';
import { LineBatch } from '../src/cli/line-batch';
import { answerAutodiscoverPost } from '../src/endpoints/autodiscover-pox';
import { SERVICE_ENDPOINTS } from '../src/endpoints/index';
import { createFrontDoor, type FrontDoor } from '../src/http/front-door';
import { ServiceMetrics } from '../src/http/metrics';
import { createObserver, type RequestObserver } from '../src/http/observe';
import { parsePoxRequest } from '../src/protocols/pox-request';
import { withUsage } from './script-args';

/**
 * Where a request's time goes, in-process: each part of the server's work per request, timed on
 * its own with Node's real request and response objects (no socket, no load generator). The HTTP
 * benchmark (`npm run bench`) gives the whole; this gives the parts, so a change can be judged
 * in microseconds before it is judged in ratios.
 *
 *   npm run build && node dist/scripts/bench-request-parts.js [CONFIG_DIR]
 */
const USAGE = `usage: node dist/scripts/bench-request-parts.js [CONFIG_DIR] [--calls N]

Times each part of the server's per-request work in-process, for CONFIG_DIR (default ./config):
the floor (node:http writing a precomputed answer), the front door per scenario, the request log
line, the metrics, and the Autodiscover POST's parts. Each part runs N calls (default 40000) per
round, five rounds after a warm-up; the median round is printed.`;

const { positionals, values } = withUsage(USAGE, (args) =>
  parseArgs({ args, allowPositionals: true, options: { calls: { type: 'string', default: '40000' } } }),
);
const ROUNDS = 5;
const CALLS = Number(values.calls);
if (!Number.isInteger(CALLS) || CALLS < 1) {
  process.stderr.write(`--calls must be a positive whole number\n${USAGE}\n`);
  process.exit(2);
}
const POX_BODY = Buffer.from(
  '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">' +
    '<Request><EMailAddress>alice@example.com</EMailAddress>' +
    '<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a' +
    '</AcceptableResponseSchema></Request></Autodiscover>',
);

const socket = new Socket();

function exchange(method: string, url: string): [IncomingMessage, ServerResponse] {
  const req = new IncomingMessage(socket);
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.method = method;
  req.url = url;
  req.headers = { host: 'autoconfig.example.com', 'user-agent': 'bench' };
  return [req, new ServerResponse(req)];
}

/** Median over rounds of the time per call, in µs; only the part itself is inside the clock. */
function time(part: (i: number) => void, prepare: () => void = () => undefined): number {
  const perRound: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    let nanos = 0n;
    for (let i = 0; i < CALLS; i++) {
      prepare();
      const started = process.hrtime.bigint();
      part(i);
      nanos += process.hrtime.bigint() - started;
    }
    // Round 0 warms the code up.
    if (round > 0) perRound.push(Number(nanos) / 1000 / CALLS);
  }
  perRound.sort((a, b) => a - b);
  return perRound[perRound.length >> 1] as number;
}

// Piped into `head`, the reader may go away early: that ends the run, quietly.
process.stdout.on('error', () => process.exit(0));

function report(name: string, micros: number): void {
  process.stdout.write(`${name.padEnd(46)} ${micros.toFixed(2).padStart(7)} µs\n`);
}

async function main(): Promise<void> {
  const dir = positionals[0] ?? 'config';
  const loaded = await loadCatalogDir(dir);
  if (!loaded.ok) throw new Error(`${dir} does not load`);
  const snapshot = new Snapshot(loaded.config);
  const door = createFrontDoor({ endpoints: SERVICE_ENDPOINTS, snapshot: () => snapshot });
  const domain = snapshot.domains[0]?.domain ?? 'example.com';

  let pair = exchange('GET', '/');
  const through = (target: FrontDoor, method: string, url: string) =>
    time(
      () => {
        target.preRoute(pair[0], pair[1]);
      },
      () => (pair = exchange(method, url)),
    );

  const floorBody = Buffer.alloc(2400, 'x');
  report(
    'floor: node:http writes a precomputed answer',
    time(
      () => {
        pair[1].writeHead(200, ['Content-Type', 'application/xml', 'Content-Length', '2400']);
        pair[1].end(floorBody);
      },
      () => (pair = exchange('GET', '/')),
    ),
  );
  const scenarios = [
    ['autoconfig GET', `/mail/config-v1.1.xml?emailaddress=alice%40${domain}`],
    ['Autodiscover v2 JSON', `/autodiscover/autodiscover.json/v1.0/alice@${domain}?Protocol=AutodiscoverV1`],
    ['unknown domain GET', '/mail/config-v1.1.xml?emailaddress=alice%40unknown.example'],
  ] as const;
  for (const [name, url] of scenarios) report(`front door: ${name}`, through(door, 'GET', url));

  // The observer's two halves, each behind a do-nothing observer's cost.
  const sink = new LineBatch({ write: () => undefined, flush: () => undefined });
  const logger = pino({ base: { service: 'mail-autoconf' } }, sink);
  const metrics = new ServiceMetrics(() => statusOfSnapshot(snapshot));
  const observers: [string, RequestObserver][] = [
    ['observer: request log line', createObserver({ logger })],
    ['observer: metrics', createObserver({ metrics })],
    ['observer: both', createObserver({ logger, metrics })],
  ];
  const meta = { protocol: 'autoconfig', outcome: 'ok', domain, localPart: 'alice' } as const;
  for (const [name, observe] of observers) {
    const [req, res] = exchange('GET', scenarios[0][1]);
    const startedAt = process.hrtime.bigint();
    report(
      name,
      time(() => observe(req, res, meta, startedAt)),
    );
  }

  const now = new Date();
  report(
    'Autodiscover POST: reading the body (parsePoxRequest)',
    time(() => parsePoxRequest(POX_BODY)),
  );
  report(
    'Autodiscover POST: whole answer from the body',
    time(() => answerAutodiscoverPost(snapshot, { body: POX_BODY, now })),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
