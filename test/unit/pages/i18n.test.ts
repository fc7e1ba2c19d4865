import { CATALOGS, chooseLanguage, LANGUAGES, localised, translator } from '../../../src/pages/i18n';

const placeholders = (text: string) => [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((match) => match[1]).sort();

describe('message catalogs', () => {
  const englishKeys = Object.keys(CATALOGS.en).sort();

  it.each(LANGUAGES)('%s has exactly the keys of the English catalog, none empty', (language) => {
    const catalog: Record<string, string> = CATALOGS[language];
    expect(Object.keys(catalog).sort()).toEqual(englishKeys);
    for (const key of englishKeys) expect(catalog[key]?.trim()).not.toBe('');
  });

  it.each(LANGUAGES)('%s uses the same {parameters} as English in every message', (language) => {
    const catalog: Record<string, string> = CATALOGS[language];
    const english: Record<string, string> = CATALOGS.en;
    for (const key of englishKeys) {
      expect([key, placeholders(catalog[key] ?? '')]).toEqual([key, placeholders(english[key] ?? '')]);
    }
  });

  it('fills parameters and leaves unknown ones visible rather than blank', () => {
    const t = translator('fr');
    expect(t('title.settings', { address: 'alice@example.com' })).toBe(
      'Paramètres de messagerie pour alice@example.com',
    );
    expect(t('title.settings')).toBe('Paramètres de messagerie pour {address}');
  });
});

describe('chooseLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['fr', 'fr'],
    ['de-CH,de;q=0.9,en;q=0.5', 'de'],
    ['fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7', 'fr'],
    ['de;q=0.3, it;q=0.9', 'it'],
    ['es, pt;q=0.8', 'en'],
    ['es, it;q=0.1', 'it'],
    ['*', 'en'],
    ['garbage;;;q=x', 'en'],
  ])('Accept-Language %p gives %s', (header, expected) => {
    expect(chooseLanguage({ lang: undefined, acceptLanguage: header })).toBe(expected);
  });

  it('lets ?lang= override the header, and ignores values that are not one of ours', () => {
    expect(chooseLanguage({ lang: 'it', acceptLanguage: 'de' })).toBe('it');
    expect(chooseLanguage({ lang: 'xx', acceptLanguage: 'de' })).toBe('de');
    expect(chooseLanguage({ lang: ['fr', 'it'], acceptLanguage: 'de' })).toBe('de');
    expect(chooseLanguage({ lang: '<script>', acceptLanguage: undefined })).toBe('en');
  });
});

describe('localised config texts', () => {
  it('takes the chosen language, then a regional variant, then English, else nothing', () => {
    expect(localised({ en: 'Help', fr: 'Aide' }, 'fr')).toBe('Aide');
    expect(localised({ en: 'Help', 'de-CH': 'Hilfe' }, 'de')).toBe('Hilfe');
    expect(localised({ en: 'Help', fr: 'Aide' }, 'it')).toBe('Help');
    expect(localised({ fr: 'Aide' }, 'it')).toBeUndefined();
    expect(localised(undefined, 'en')).toBeUndefined();
  });
});
