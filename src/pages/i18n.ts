import Negotiator from 'negotiator';
import de from './locales/de.json';
import en from './locales/en.json';
import fr from './locales/fr.json';
import it from './locales/it.json';

/** English first: it is the fallback for config texts and for browsers that accept none of these. */
export const LANGUAGES = ['en', 'fr', 'de', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

export type MessageKey = keyof typeof en;
export type Catalog = Readonly<Record<MessageKey, string>>;

// Typing each catalog as a full Catalog makes a missing key a compile error, not a blank on screen.
export const CATALOGS: Readonly<Record<Language, Catalog>> = { en, fr, de, it };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * An explicit `?lang=` wins (the switch links set it); otherwise the best match of the
 * Accept-Language header by q-value, where `fr-CH` matches `fr`.
 */
export function chooseLanguage(request: { lang: unknown; acceptLanguage: string | undefined }): Language {
  if (isLanguage(request.lang)) return request.lang;
  if (!request.acceptLanguage) return 'en';
  const best = new Negotiator({ headers: { 'accept-language': request.acceptLanguage } }).language([
    ...LANGUAGES,
  ]);
  return isLanguage(best) ? best : 'en';
}

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string>>) => string;

/** Messages are plain text; `{name}` parameters are filled in here and escaped when rendered. */
export function translator(language: Language): Translate {
  const catalog = CATALOGS[language];
  return (key, params = {}) =>
    catalog[key].replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/**
 * A text the config gives by language tag: the chosen language (also as the prefix of a regional
 * tag such as `fr-CH`), else English, else nothing.
 */
export function localised(
  texts: Readonly<Record<string, string>> | undefined,
  language: Language,
): string | undefined {
  if (!texts) return undefined;
  const pick = (lang: string) =>
    texts[lang] ?? Object.entries(texts).find(([tag]) => tag.toLowerCase().startsWith(`${lang}-`))?.[1];
  return pick(language) ?? pick('en');
}
