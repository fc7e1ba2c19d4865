import type { ServerResponse } from 'node:http';
import type { Answer } from '../endpoints/answer';
import type { HeaderBlock } from './security-headers';

/**
 * The one way an answer leaves the server: the security block for its kind, then the answer's own
 * headers, in one `writeHead` (no per-header `setHeader` bookkeeping), then the body. HEAD and 204
 * answers keep their headers and Node drops the body.
 */
export function writeAnswer(res: ServerResponse, answer: Answer, block: HeaderBlock): void {
  const own = answer.headers;
  const headers = block.slice();
  for (const name in own) headers.push(name, own[name] as string);
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
