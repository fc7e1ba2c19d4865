import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answer } from '../../../src/endpoints/answer';
import { securityHeaders } from '../../../src/http/security-headers';
import { writeAnswer } from '../../../src/http/writer';

const blocks = securityHeaders();
// One answer object for every request, as a prepared answer is.
const shared = answer(
  200,
  'application/xml',
  '<x/>',
  { protocol: 'autoconfig', outcome: 'ok' },
  { 'Cache-Control': 'public' },
);
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const secure = req.url === '/secure';
    const own = req.url === '/frozen' ? { ...shared, headers: Object.freeze({ ...shared.headers }) } : shared;
    writeAnswer(res, own, blocks.block(req.url === '/page' ? 'html' : 'machine', secure));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function headersOf(path: string): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) =>
    get(`${base}${path}`, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    }).on('error', reject),
  );
}

describe('writeAnswer', () => {
  it('gives each request the block it asked for, however a shared answer was written before', async () => {
    for (const path of ['/plain', '/secure', '/plain', '/page', '/secure', '/plain']) {
      const headers = await headersOf(path);
      expect(headers['content-type']).toBe('application/xml');
      expect(headers['cache-control']).toBe('public');
      expect(headers['content-length']).toBe('4');
      expect(headers['strict-transport-security'] !== undefined).toBe(path === '/secure');
      expect(headers['x-frame-options'] !== undefined).toBe(path === '/page');
    }
  });

  it('writes an answer whose headers cannot be extended', async () => {
    expect((await headersOf('/frozen'))['cache-control']).toBe('public');
  });
});
