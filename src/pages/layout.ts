import type { PageAssets } from './assets';
import { html, type Html } from './html';
import { CATALOGS, LANGUAGES, type Language, type Translate } from './i18n';

export interface LayoutOptions {
  readonly language: Language;
  readonly t: Translate;
  readonly title: string;
  readonly brand: string;
  /** Kept in the language switch links so switching does not lose the page; a validated address only. */
  readonly address?: string;
  readonly assets: PageAssets;
  readonly main: Html;
}

function languageHref(language: Language, address: string | undefined): string {
  const query = new URLSearchParams({ lang: language });
  if (address !== undefined) query.set('email', address);
  return `?${query.toString()}`;
}

function languageSwitch(current: Language, t: Translate, address: string | undefined): Html {
  const items = LANGUAGES.map((language) => {
    const name = CATALOGS[language].languageName;
    return language === current
      ? html`<li>
          <a
            href="${languageHref(language, address)}"
            lang="${language}"
            hreflang="${language}"
            aria-current="true"
            >${name}</a
          >
        </li>`
      : html`<li>
          <a href="${languageHref(language, address)}" lang="${language}" hreflang="${language}">${name}</a>
        </li>`;
  });
  return html`<nav class="languages" aria-label="${t('nav.language')}">
    <ul>
      ${items}
    </ul>
  </nav>`;
}

/** The page shell: one stylesheet and one deferred script, both same-origin files, so helmet's CSP holds. */
export function layout(options: LayoutOptions): string {
  const { language, t, assets } = options;
  const document = html`<!doctype html>
    <html lang="${language}" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${options.title}</title>
        <link rel="stylesheet" href="${assets.css.url}" />
        <script src="${assets.js.url}" defer></script>
      </head>
      <body data-copied="${t('copy.done')}" data-copy-failed="${t('copy.failed')}">
        <header class="site-header">
          <div class="wrap header-row">
            <p class="brand">${options.brand}</p>
            ${languageSwitch(language, t, options.address)}
          </div>
        </header>
        <main id="main" class="wrap">${options.main}</main>
        <footer class="site-footer">
          <div class="wrap"><p>${t('footer.text')}</p></div>
        </footer>
        <p id="copy-status" class="visually-hidden" role="status" aria-live="polite"></p>
      </body>
    </html> `;
  return document.markup;
}
