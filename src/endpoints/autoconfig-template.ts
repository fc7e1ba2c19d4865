import type { Preparer } from '../catalog/prepared-cache';
import type { DomainSettings } from '../core/settings';
import { renderAutoconfig } from '../protocols/mozilla';

/**
 * Autoconfig documents of domains that differ only in their names. The renderer is run once per
 * group with markers for the names (private-use characters, which no normalised domain contains),
 * and each domain's document is then the template with its names put in: byte for byte what the
 * renderer gives for the domain, at a small fraction of the cost. This keeps a first request for a
 * domain cheap, so a scan is cheap and the time of an answer says little about the cache.
 */
export interface AutoconfigTemplate {
  /** Set when the group's documents must be rendered one by one (see prepare). */
  readonly direct?: true;
  readonly chunks: readonly string[];
  /** What goes after chunk i: 0 the domain, 1… its aliases in order, -1 and -2 the provider's names. */
  readonly names: readonly number[];
}

const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = new RegExp(`${OPEN}(-?\\d+)${CLOSE}`, 'g');

/** Fields filled per domain (names), or not part of the document. */
const PER_DOMAIN = new Set(['domain', 'aliases', 'provider', 'source']);

/**
 * Everything but the names that the document can be made of: every other field of the settings,
 * plain values as they are and objects by identity (domains of one profile share them). Written
 * over all fields, not a list, so a field added to the settings can never be left out of the key:
 * at worst a fresh object per domain makes its group a group of one.
 */
function groupKey(settings: DomainSettings, idOf: (value: object) => number): string {
  let key = `${settings.aliases.length}`;
  for (const name of Object.keys(settings).sort()) {
    if (PER_DOMAIN.has(name)) continue;
    const value: unknown = settings[name as keyof DomainSettings];
    key +=
      value !== null && typeof value === 'object'
        ? `\n${name}#${idOf(value)}`
        : `\n${name}=${JSON.stringify(value) ?? ''}`;
  }
  return key;
}

export const autoconfigTemplate: Preparer<AutoconfigTemplate> = {
  name: 'autoconfig-template',
  shareKey: (settings, catalog) => groupKey(settings, (value) => catalog.idOf(value)),
  prepare: (settings) => {
    const marked: DomainSettings = {
      ...settings,
      domain: `${OPEN}0${CLOSE}`,
      aliases: settings.aliases.map((_, i) => `${OPEN}${i + 1}${CLOSE}`),
      provider: { name: `${OPEN}-1${CLOSE}`, shortName: `${OPEN}-2${CLOSE}` },
    };
    const document = renderAutoconfig(marked);
    const chunks: string[] = [];
    const names: number[] = [];
    let last = 0;
    for (const match of document.matchAll(MARKER)) {
      chunks.push(document.slice(last, match.index));
      names.push(Number(match[1]));
      last = match.index + match[0].length;
    }
    chunks.push(document.slice(last));
    const template = { chunks, names };
    // A renderer that transforms a name (say, to Unicode for display) would not leave the markers
    // as they were: check once per group, and render such groups directly.
    const direct = fillAutoconfig(template, settings) !== renderAutoconfig(settings);
    return direct ? { chunks: [], names: [], direct: true } : template;
  },
  size: (template) => template.chunks.reduce((sum, chunk) => sum + chunk.length * 2 + 16, 64),
};

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes element text as the renderer's XML writer does (quotes stay as they are in text). */
function escapeText(value: string): string {
  return value.replace(/[&<>]/g, (ch) => TEXT_ESCAPES[ch] as string);
}

function nameOf(settings: DomainSettings, index: number): string {
  if (index === 0) return settings.domain;
  if (index === -1) return escapeText(settings.provider.name);
  if (index === -2) return escapeText(settings.provider.shortName);
  // Normalised domain names are letters, digits, dots and hyphens: nothing to escape.
  return settings.aliases[index - 1] as string;
}

/** The autoconfig document of `settings`, from its group's template. */
export function fillAutoconfig(template: AutoconfigTemplate, settings: DomainSettings): string {
  if (template.direct) return renderAutoconfig(settings);
  let out = template.chunks[0] as string;
  for (let i = 0; i < template.names.length; i++)
    out += nameOf(settings, template.names[i] as number) + (template.chunks[i + 1] as string);
  return out;
}
