import type { LoadedConfig } from '../config/load';
import type { DomainSettings } from '../core/settings';

export interface MergedDomains {
  readonly domains: readonly DomainSettings[];
  /** Per source, rows refused because their domain is defined elsewhere. */
  readonly problems: readonly (readonly string[])[];
  /** Per source, domains served. */
  readonly accepted: readonly number[];
}

const NAMES_PER_STEP = 5000;

function yamlPlace(settings: DomainSettings): string {
  return settings.source.path ? `${settings.source.file} (${settings.source.path})` : settings.source.file;
}

/**
 * YAML domains first, then each source's in order. A name defined in YAML and in a source is an
 * error naming both, unless the YAML entry says `overridesSources: true`: then the YAML entry is
 * served and the row quietly stands aside. Between sources (or rows) the first one keeps the name.
 */
export async function mergeSourceDomains(
  config: LoadedConfig,
  sources: readonly { label: string; domains: readonly DomainSettings[] }[],
): Promise<MergedDomains> {
  const owners = new Map<string, DomainSettings>();
  for (const [index, settings] of config.domains.entries()) {
    if (index % NAMES_PER_STEP === NAMES_PER_STEP - 1)
      await new Promise<void>((resolve) => setImmediate(resolve));
    owners.set(settings.domain, settings);
    for (const alias of settings.aliases) owners.set(alias, settings);
  }
  const yaml = new Set(config.domains);
  const overrides = config.sourceOverrides ?? new Set<string>();
  const domains: DomainSettings[] = [...config.domains];
  const problems: string[][] = [];
  const accepted: number[] = [];
  let work = 0;
  for (const source of sources) {
    const refused: string[] = [];
    let count = 0;
    for (const settings of source.domains) {
      if (++work % NAMES_PER_STEP === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const names = [settings.domain, ...settings.aliases];
      let clash: string | undefined;
      let overridden = false;
      for (const name of names) {
        const owner = owners.get(name);
        if (!owner) continue;
        if (yaml.has(owner) && overrides.has(name)) {
          overridden = true;
          continue;
        }
        clash = yaml.has(owner)
          ? `domain ${name} is also defined in YAML at ${yamlPlace(owner)}; remove one, or mark the YAML entry "overridesSources: true" to serve it instead of the row`
          : `domain ${name} is already defined at ${owner.source.file}`;
        break;
      }
      if (clash) {
        refused.push(`${settings.source.file}: ${clash}`);
        continue;
      }
      if (overridden) continue;
      for (const name of names) owners.set(name, settings);
      domains.push(settings);
      count++;
    }
    problems.push(refused);
    accepted.push(count);
  }
  return { domains, problems, accepted };
}
