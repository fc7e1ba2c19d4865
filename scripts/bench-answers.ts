import { withUsage } from './script-args';
import { loadCatalogDir } from '../src/catalog/load';
import { answerMobileconfig, answerProfileQr } from '../src/endpoints/mobileconfig';
import { answerAutodiscoverJson } from '../src/endpoints/autodiscover-json';
import { Snapshot } from '../src/catalog/snapshot';

/**
 * Cost per answer of the per-address endpoints, in-process (no HTTP), for a config directory
 * (default ./config). With `service.signing` set, the profile figure includes the CMS signature.
 *
 *   npm run build && node dist/scripts/bench-answers.js [config-dir]
 */
async function main(): Promise<void> {
  const dir = withUsage(
    'usage: node dist/scripts/bench-answers.js [CONFIG_DIR]\n\nCost per answer of the per-address endpoints, in-process, for CONFIG_DIR (default ./config).',
    (args) => args[0] ?? 'config',
  );
  const loaded = await loadCatalogDir(dir);
  if (!loaded.ok) throw new Error(`${dir} does not load`);
  const snapshot = new Snapshot(loaded.config);
  const domain = snapshot.domains[0]?.domain;
  if (!domain) throw new Error(`${dir} has no domain`);
  const now = new Date();

  const bench = async (name: string, iterations: number, answer: (i: number) => unknown) => {
    for (let i = 0; i < 200; i++) await answer(i);
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await answer(i);
    const micros = Number(process.hrtime.bigint() - start) / 1000 / iterations;
    process.stdout.write(
      `${name.padEnd(28)} ${micros.toFixed(1).padStart(8)} µs/answer ${Math.round(1e6 / micros)}/s\n`,
    );
  };

  await bench('autodiscover-json', 100_000, (i) =>
    answerAutodiscoverJson(snapshot, { address: `user${i}@${domain}`, protocol: 'autodiscoverv1' }),
  );
  await bench(
    `mobileconfig (${snapshot.signer ? 'signed' : 'unsigned'})`,
    snapshot.signer ? 2_000 : 50_000,
    (i) => answerMobileconfig(snapshot, { emailaddress: `user${i}@${domain}`, now }),
  );
  await bench('mobileconfig/qr.svg', 2_000, (i) =>
    answerProfileQr(snapshot, { emailaddress: `user${i}@${domain}` }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
