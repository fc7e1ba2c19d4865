import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withUsage } from './script-args';

/**
 * The yardstick of the benchmark: bare `node:http` answering each benchmarked request with the
 * bytes the server sends for it (status, Content-Type, body), precomputed. Nothing can answer
 * faster in Node, so the server's speed is reported as a fraction of this, measured in the same
 * run on the same machine.
 *
 * Usage: bench-baseline ANSWERS_JSON PORT — prints the port it listens on. ANSWERS_JSON maps
 * "METHOD target" to { status, contentType, body }; other requests get the first answer.
 */
interface Canned {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const USAGE =
  'usage: bench-baseline ANSWERS_JSON [PORT]\n\nAnswers each request with the canned answer for "METHOD target" in ANSWERS_JSON (the first for any other); prints the port it listens on.';
const [answersFile, port = '0'] = withUsage(USAGE, (args) => args);
if (!answersFile) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const canned = new Map(
  Object.entries(JSON.parse(readFileSync(answersFile, 'utf8')) as Record<string, Canned>).map(
    ([key, answer]) => {
      const body = Buffer.from(answer.body, 'utf8');
      const headers = { 'Content-Type': answer.contentType, 'Content-Length': String(body.length) };
      return [key, { status: answer.status, headers, body }] as const;
    },
  ),
);
const fallback = canned.values().next().value;
if (!fallback) throw new Error(`${answersFile} holds no answers`);
const server = createServer((req, res) => {
  const answer = canned.get(`${req.method} ${req.url}`) ?? fallback;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
});
server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
