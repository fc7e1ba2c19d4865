import type { AuthMethod } from '../core/settings';
import type { PageAssets } from './assets';
import { html, type Html } from './html';
import { translator, type Translate } from './i18n';
import { layout } from './layout';
import type {
  AdminView,
  FormPageView,
  PageView,
  ServerView,
  SettingsPageView,
  UnknownDomainPageView,
} from './view-model';

/** Copy buttons are hidden until the script finds a usable clipboard: without it they would do nothing. */
function copyButton(t: Translate, targetId: string, field: string): Html {
  return html`<button
    type="button"
    class="copy"
    data-copy="${targetId}"
    aria-label="${t('copy.label', { field })}"
    hidden
  >
    ${t('copy.button')}
  </button>`;
}

function copyable(t: Translate, id: string, value: string | number, field: string): Html {
  return html`<span class="value-row"
    ><code class="value" id="${id}">${value}</code>${copyButton(t, id, field)}</span
  >`;
}

/** A wide fact spans the whole card; short ones (port, security) sit side by side. */
function fact(label: string, value: Html | string, wide = false): Html {
  return html`<div class="${wide ? 'fact fact-wide' : 'fact'}">
    <dt>${label}</dt>
    <dd>${value}</dd>
  </div>`;
}

function authWords(t: Translate, auth: readonly AuthMethod[]): string {
  return auth.map((method) => t(`auth.${method}`)).join(` ${t('auth.or')} `);
}

/** What the config adds about a server that a person setting it up by hand should know. */
function serverNotes(t: Translate, server: ServerView): Html | false {
  const notes: string[] = [];
  if (server.restriction === 'client-IP-address') notes.push(t('server.restriction'));
  const days = server.pop3?.daysToLeaveMessagesOnServer;
  if (server.pop3?.leaveMessagesOnServer === true)
    notes.push(
      days === undefined ? t('server.leaveOnServer') : t('server.leaveOnServerDays', { days: String(days) }),
    );
  if (notes.length === 0) return false;
  return html`${fact(t('field.notes'), notes.join(' · '), true)}`;
}

function serverCard(t: Translate, server: ServerView): Html {
  const rank = t(server.rank === 'recommended' ? 'server.recommended' : 'server.alternative');
  return html`<article class="card server" aria-labelledby="${server.id}-title">
    <h3 id="${server.id}-title">
      ${t(`server.${server.type}`)} <span class="badge badge-${server.rank}">${rank}</span>
    </h3>
    <dl class="facts server-facts">
      ${fact(t('field.host'), copyable(t, `${server.id}-host`, server.host, t('field.host')), true)}
      ${fact(t('field.port'), copyable(t, `${server.id}-port`, server.port, t('field.port')))}
      ${fact(t('field.security'), t(`security.${server.security}`))}
      ${fact(
        t('field.username'),
        server.username === ''
          ? t('field.usernameNone')
          : copyable(t, `${server.id}-user`, server.username, t('field.username')),
        true,
      )}
      ${fact(t('field.auth'), authWords(t, server.auth), true)}${serverNotes(t, server)}
    </dl>
  </article>`;
}

function loginSection(t: Translate, view: SettingsPageView): Html {
  return html`<section class="card login" aria-labelledby="login-title">
    <h2 id="login-title">${t('login.heading')}</h2>
    <p class="login-rule">${t(`login.${view.login.policy}`)}</p>
    <p>${copyable(t, 'login', view.login.value, t('field.username'))}</p>
    <p class="muted">${t('login.password')}</p>
    ${view.loginVaries && html`<p class="note">${t('login.perServer')}</p>`}
  </section>`;
}

function serversSection(
  t: Translate,
  id: string,
  title: string,
  intro: string | false,
  servers: readonly ServerView[],
): Html {
  return html`<section class="servers" aria-labelledby="${id}">
    <h2 id="${id}">${title}</h2>
    ${intro && html`<p class="muted">${intro}</p>`}
    <div class="server-list">${servers.map((server) => serverCard(t, server))}</div>
  </section>`;
}

function appleSection(t: Translate, view: SettingsPageView): Html | false {
  const profile = view.appleProfile;
  if (!profile) return false;
  return html`<section class="card apple" aria-labelledby="apple-title">
    <h2 id="apple-title">${t('apple.heading')}</h2>
    <div class="apple-row">
      <div>
        <p>${t('apple.intro')}</p>
        <p><a class="button" href="${profile.href}">${t('apple.link')}</a></p>
      </div>
      <figure class="qr">
        <img src="${profile.qrSrc}" alt="${t('apple.qrAlt')}" width="160" height="160" />
        <figcaption>${t('apple.qrHint')}</figcaption>
      </figure>
    </div>
  </section>`;
}

function helpSection(t: Translate, view: SettingsPageView): Html | false {
  if (
    view.help === undefined &&
    view.documentation.length === 0 &&
    view.webmail === undefined &&
    view.enable === undefined
  )
    return false;
  const enable =
    view.enable !== undefined &&
    html`<p class="help-enable">
      ${t('help.enable')} <a href="${view.enable.url}">${view.enable.url}</a>
      ${view.enable.text !== undefined && html`<br />${view.enable.text}`}
    </p>`;
  return html`<section class="card help" aria-labelledby="help-title">
    <h2 id="help-title">${t('help.heading')}</h2>
    ${enable}${view.help !== undefined && html`<p class="help-text">${view.help}</p>`}
    <ul class="links">
      ${view.documentation.map((link) => html`<li><a href="${link.url}">${link.text}</a></li>`)}
      ${view.webmail !== undefined && html`<li><a href="${view.webmail}">${t('help.webmail')}</a></li>`}
    </ul>
  </section>`;
}

function adminSection(t: Translate, admin: AdminView): Html {
  const policy =
    admin.policy === 'template'
      ? t('admin.policy.template', { template: admin.template })
      : t(`admin.policy.${admin.policy}`);
  const rows = admin.dnsFacts.map(
    (record) =>
      html`<tr>
        <td><code>${record.name}</code></td>
        <td>${record.type}</td>
        <td><code>${record.value}</code></td>
      </tr>`,
  );
  return html`<details class="admin">
    <summary>${t('admin.summary')}</summary>
    <p class="muted">${t('admin.intro')}</p>
    <dl class="facts admin-facts">
      ${fact(t('admin.domain'), html`<code>${admin.domain}</code>`)}
      ${admin.aliases.length > 0 && fact(t('admin.aliases'), html`<code>${admin.aliases.join(', ')}</code>`)}
      ${fact(t('admin.policy'), policy)}
      ${fact(
        t('admin.autoconfig'),
        html`<ul class="urls">
          ${admin.autoconfigUrls.map((url) => html`<li><code>${url}</code></li>`)}
        </ul>`,
      )}
      ${fact(t('admin.autodiscover'), html`<code>${admin.autodiscoverUrl}</code>`)}
    </dl>
    <h3 id="dns-title">${t('admin.dns')}</h3>
    ${!admin.hasCnameTarget && html`<p class="note">${t('admin.noPublicHost')}</p>`}
    <div class="table-scroll" role="region" aria-labelledby="dns-title" tabindex="0">
      <table>
        <thead>
          <tr>
            <th scope="col">${t('admin.dnsName')}</th>
            <th scope="col">${t('admin.dnsType')}</th>
            <th scope="col">${t('admin.dnsValue')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
  </details>`;
}

function settingsPage(view: SettingsPageView, assets: PageAssets): string {
  const t = translator(view.language);
  const hasPop = view.incoming.some((server) => server.type === 'pop3');
  const hasImap = view.incoming.some((server) => server.type === 'imap');
  const main = html`<h1>${t('settings.heading')}</h1>
    <p class="address-line">
      <span class="muted">${t('settings.address')}</span> <strong>${view.address}</strong>
    </p>
    <p class="lead">${t('settings.intro')}</p>
    ${loginSection(t, view)}
    ${serversSection(t, 'incoming-title', t('incoming.heading'), hasPop && hasImap && t('incoming.intro'), view.incoming)}
    ${serversSection(t, 'outgoing-title', t('outgoing.heading'), false, view.outgoing)}
    ${appleSection(t, view)} ${helpSection(t, view)} ${adminSection(t, view.admin)}
    <p class="again">
      <a href="?${new URLSearchParams({ lang: view.language }).toString()}">${t('nav.another')}</a>
    </p>`;
  return layout({
    language: view.language,
    t,
    title: t('title.settings', { address: view.address }),
    brand: view.providerName,
    address: view.address,
    assets,
    main,
  });
}

function formPage(view: FormPageView, assets: PageAssets): string {
  const t = translator(view.language);
  const intro =
    view.providerName === undefined
      ? t('form.intro')
      : t('form.introProvider', { provider: view.providerName });
  const describedBy = view.invalidAddress ? 'email-hint email-error' : 'email-hint';
  const main = html`<h1>${t('form.heading')}</h1>
    <p class="lead">${intro}</p>
    <form class="card address-form" method="get" novalidate>
      <input type="hidden" name="lang" value="${view.language}" />
      <label for="email">${t('form.label')}</label>
      <p class="hint" id="email-hint">${t('form.hint')}</p>
      ${view.invalidAddress && html`<p class="error" id="email-error" role="alert"><strong>${t('form.errorTitle')}</strong> ${t('form.error')}</p>`}
      <div class="form-row">
        <input
          type="email"
          id="email"
          name="email"
          autocomplete="email"
          inputmode="email"
          autocapitalize="none"
          spellcheck="false"
          required
          aria-describedby="${describedBy}"
          ${view.invalidAddress ? html` aria-invalid="true" autofocus` : ''}
        />
        <button type="submit" class="button">${t('form.submit')}</button>
      </div>
    </form>`;
  return layout({
    language: view.language,
    t,
    title: [
      view.invalidAddress ? t('form.errorTitle') : '',
      t('title.form'),
      view.providerName === undefined ? '' : `· ${view.providerName}`,
    ]
      .filter((part) => part !== '')
      .join(' '),
    brand: view.providerName ?? t('brand.default'),
    assets,
    main,
  });
}

function unknownDomainPage(view: UnknownDomainPageView, assets: PageAssets): string {
  const t = translator(view.language);
  const main = html`<h1>${t('unknown.heading')}</h1>
    <p class="lead">${t('unknown.text')}</p>
    <p>
      <a class="button" href="?${new URLSearchParams({ lang: view.language }).toString()}"
        >${t('unknown.again')}</a
      >
    </p>`;
  return layout({
    language: view.language,
    t,
    title: t('title.unknown'),
    brand: t('brand.default'),
    assets,
    main,
  });
}

/** Renders a page view to a complete HTML document. */
export function renderPage(view: PageView, assets: PageAssets): string {
  switch (view.kind) {
    case 'settings':
      return settingsPage(view, assets);
    case 'form':
      return formPage(view, assets);
    case 'unknown-domain':
      return unknownDomainPage(view, assets);
  }
}
