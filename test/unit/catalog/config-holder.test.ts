import { ConfigHolder } from '../../../src/catalog/config-holder';
import { TempConfigDir } from '../../helpers/config-dir';
import { loadExample } from '../../helpers/example';

let config: TempConfigDir;
beforeEach(() => {
  config = new TempConfigDir();
});
afterEach(() => config.remove());

describe('ConfigHolder', () => {
  it('runs overlapping reloads one after another, so the newest files always win', async () => {
    const holder = ConfigHolder.fromConfig(config.dir, await loadExample());
    const first = holder.reload();
    config.fixWithNewDomain();
    const second = holder.reload();
    const outcomes = await Promise.all([first, second]);
    expect(outcomes.map((outcome) => outcome.generation)).toEqual([2, 3]);
    expect(holder.snapshot().generation).toBe(3);
    expect(holder.snapshot().settings('fresh.example')).toBeDefined();
  });

  it('keeps the last good snapshot object when a reload fails, and clears the errors on the next success', async () => {
    const holder = ConfigHolder.fromConfig(config.dir, await loadExample());
    const good = holder.snapshot();
    config.breakIt();
    const failed = await holder.reload();
    expect(failed).toMatchObject({ ok: false, generation: 1 });
    expect(holder.snapshot()).toBe(good);
    expect(holder.status()).toMatchObject({ lastAttempt: { ok: false }, lastErrors: [expect.any(String)] });
    config.fixWithNewDomain();
    await holder.reload();
    expect(holder.status()).toMatchObject({
      generation: 2,
      domains: 3,
      lastAttempt: { ok: true },
      lastErrors: [],
    });
  });
});

describe('security review #13: reloads asked for during a reload collapse into one', () => {
  it('twenty requests during a reload give one more reload, which reads the newest files', async () => {
    const holder = ConfigHolder.fromConfig(config.dir, await loadExample());
    const first = holder.reload();
    config.fixWithNewDomain();
    const burst = Array.from({ length: 20 }, () => holder.reload());
    const outcomes = await Promise.all([first, ...burst]);
    expect(outcomes.map((outcome) => outcome.generation)).toEqual([2, ...Array(20).fill(3)]);
    expect(holder.snapshot().generation).toBe(3);
    expect(holder.snapshot().settings('fresh.example')).toBeDefined();
    // Once idle, a request reloads again at once.
    expect((await holder.reload()).generation).toBe(4);
  });
});
