import { runInSlices, runToEnd } from '../../../src/core/steps';

function* countTo(n: number, trace: string[]): Generator<void, number> {
  for (let i = 1; i <= n; i++) {
    trace.push(`slice ${i}`);
    if (i < n) yield;
  }
  return n;
}

describe('steps', () => {
  it('runToEnd runs every slice in one call', () => {
    const trace: string[] = [];
    expect(runToEnd(countTo(3, trace))).toBe(3);
    expect(trace).toEqual(['slice 1', 'slice 2', 'slice 3']);
  });

  it('runInSlices lets other work run between slices', async () => {
    const trace: string[] = [];
    // Queued like a request that arrives while the work is under way.
    setImmediate(() => trace.push('other work'));
    const done = runInSlices(countTo(3, trace));
    expect(await done).toBe(3);
    expect(trace).toEqual(['slice 1', 'other work', 'slice 2', 'slice 3']);
  });
});
