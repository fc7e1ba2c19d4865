import {
  loadConfigDir,
  loadConfigTexts,
  loadConfigTextsInSlices,
  type ConfigText,
  type LoadedConfig,
  type LoadOptions,
  type WholeConfigCheck,
} from '../config/load';
import type { ConfigProblem } from '../config/problems';
import { DnsContext } from '../dns/records';
import { dnsWarningSteps } from '../dns/warnings';
import { createProfileSigner, type ProfileSigner } from '../protocols/apple-signing';

/** A loaded config with what spans all of it: the DNS view and the profile signer. */
export interface CatalogConfig extends LoadedConfig {
  /** What DNS generation knows across the config, built once while checking it. */
  readonly dns: DnsContext;
  /** Present when `service.signing` is set: signs Apple configuration profiles. */
  readonly signer?: ProfileSigner;
}

export type CatalogResult =
  | { ok: true; config: CatalogConfig }
  | { ok: false; errors: ConfigProblem[]; warnings: ConfigProblem[]; warningsNotShown: number };

/**
 * The whole-config checks of the catalog, run inside the config loader so their problems are
 * located and limited like the loader's own: DNS warnings for every domain, and the signer made
 * (and checked) from the signing files.
 */
function catalogCheck(): {
  check: WholeConfigCheck;
  built: () => { dns?: DnsContext; signer?: ProfileSigner };
} {
  let dns: DnsContext | undefined;
  let signer: ProfileSigner | undefined;
  const check: WholeConfigCheck = function* (config, report) {
    dns = yield* DnsContext.inSlices(config.domains, config.service);
    for (const warning of yield* dnsWarningSteps(dns))
      report.warnAboutDomain(warning.domain, warning.path, warning.message);
    if (config.signing) {
      const result = createProfileSigner(config.signing, config.now);
      if (!result.ok) report.signingProblem(result.field, result.reason, 'error');
      else if (config.signing.keyExposure !== undefined)
        report.signingProblem('key', config.signing.keyExposure, 'error');
      else {
        signer = result.signer;
        for (const message of result.warnings) report.signingProblem('certificate', message, 'warning');
      }
    }
  };
  return { check, built: () => ({ ...(dns && { dns }), ...(signer && { signer }) }) };
}

function withCatalog(
  result: Awaited<ReturnType<typeof loadConfigDir>>,
  built: { dns?: DnsContext; signer?: ProfileSigner },
): CatalogResult {
  if (!result.ok) return result;
  const dns = built.dns ?? new DnsContext(result.config.domains, result.config.service);
  return { ok: true, config: { ...result.config, dns, ...(built.signer && { signer: built.signer }) } };
}

/** {@link loadConfigDir} plus the catalog's whole-config checks. */
export async function loadCatalogDir(
  dir: string,
  options: { displayBase?: string; warningLimit?: number } = {},
): Promise<CatalogResult> {
  const { check, built } = catalogCheck();
  return withCatalog(await loadConfigDir(dir, { ...options, check }), built());
}

/** {@link loadConfigTexts} plus the catalog's whole-config checks. */
export function loadCatalogTexts(texts: readonly ConfigText[], files?: LoadOptions): CatalogResult {
  const { check, built } = catalogCheck();
  return withCatalog(loadConfigTexts(texts, { ...(files ?? { baseDir: process.cwd() }), check }), built());
}

/** {@link loadConfigTextsInSlices} plus the catalog's whole-config checks. */
export async function loadCatalogTextsInSlices(
  texts: readonly ConfigText[],
  files?: LoadOptions,
): Promise<CatalogResult> {
  const { check, built } = catalogCheck();
  return withCatalog(
    await loadConfigTextsInSlices(texts, { ...(files ?? { baseDir: process.cwd() }), check }),
    built(),
  );
}
