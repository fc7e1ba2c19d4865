/**
 * Long work (loading a config, resolving source rows, building the DNS view) is written as a
 * generator that yields between slices. Run synchronously it is one call; run in slices it gives
 * the event loop a turn between them, so a server keeps answering while it reloads.
 */
export type Steps<T> = Generator<void, T>;

/** Runs the steps to their end without pausing. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs the steps with an event-loop turn (`setImmediate`) between slices. */
export async function runInSlices<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
