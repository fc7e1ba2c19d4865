import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withUsage } from './script-args';

/**
 * The yardstick of the benchmark: bare `node:http` answering every request with one precomputed
 * autoconfig document. Nothing can answer faster in Node, so the server's speed is reported as a
 * fraction of this, measured in the same run on the same machine.
 *
 * Usage: bench-baseline BODY_FILE PORT — prints the port it listens on.
 */
const USAGE =
  'usage: bench-baseline BODY_FILE [PORT]\n\nAnswers every request with BODY_FILE; prints the port it listens on.';
const [bodyFile, port = '0'] = withUsage(USAGE, (args) => args);
if (!bodyFile) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const body = readFileSync(bodyFile);
const headers = { 'Content-Type': 'application/xml; charset=utf-8', 'Content-Length': String(body.length) };
const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
