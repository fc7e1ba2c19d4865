import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const GOLDEN_DIR = join(__dirname, '..', 'golden');

/**
 * Compares output with a reviewed file under test/golden. `UPDATE_GOLDEN=1 npm test` rewrites the
 * files; the diff is then reviewed by eye before committing. A missing file fails the test.
 */
export function expectGolden(relativePath: string, actual: string | Buffer): void {
  const file = join(GOLDEN_DIR, relativePath);
  const bytes = typeof actual === 'string' ? Buffer.from(actual, 'utf8') : actual;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    return;
  }
  if (!existsSync(file))
    throw new Error(`golden file ${relativePath} is missing; run UPDATE_GOLDEN=1 npm test and review it`);
  expect(bytes.toString('utf8')).toBe(readFileSync(file, 'utf8'));
}
