import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { withUsage } from './script-args';

/**
 * The yardstick of the benchmark: bare `node:http` answering each benchmarked request with the
 * bytes the server sends for it (status, every header but the ones Node writes itself, body),
 * precomputed. Nothing can answer faster in Node, so the server's speed is reported as a fraction
 * of this, measured in the same run on the same machine.
 *
 * With `--busy-micros N` it spins for N µs before each answer: the same yardstick with a known
 * amount of work added, which shows how a ratio translates into CPU time per request.
 */
interface Canned {
  readonly status: number;
  /** Name/value pairs as the server sent them. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

const USAGE = `usage: bench-baseline ANSWERS_JSON [PORT] [--busy-micros N]

Answers each request with the canned answer for "METHOD target" in ANSWERS_JSON (the first for any
other); prints the port it listens on. --busy-micros spins N microseconds before each answer.`;
const { positionals, values } = withUsage(USAGE, (args) =>
  parseArgs({ args, allowPositionals: true, options: { 'busy-micros': { type: 'string', default: '0' } } }),
);
const [answersFile, port = '0'] = positionals;
const busyNanos = BigInt(Math.round(Number(values['busy-micros']) * 1000));
if (!answersFile) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const canned = new Map(
  Object.entries(JSON.parse(readFileSync(answersFile, 'utf8')) as Record<string, Canned>).map(
    ([key, answer]) => {
      const body = Buffer.from(answer.body, 'utf8');
      return [key, { status: answer.status, headers: answer.headers.flat(), body }] as const;
    },
  ),
);
const fallback = canned.values().next().value;
if (!fallback) throw new Error(`${answersFile} holds no answers`);
const server = createServer((req, res) => {
  if (busyNanos > 0n) {
    const until = process.hrtime.bigint() + busyNanos;
    while (process.hrtime.bigint() < until);
  }
  const answer = canned.get(`${req.method} ${req.url}`) ?? fallback;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
});
server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
