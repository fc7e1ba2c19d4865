import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type {
  DomainSettings,
  Security,
  ServerSettings,
  WebmailField,
  WebmailSettings,
} from '../core/settings';

/**
 * Mozilla autoconfig, `config-v1.1.xml` (protocols.md §1; Thunderbird ConfigFileFormat v1.1).
 * The document keeps the %EMAIL…% placeholders, so it depends only on the config and is rendered
 * once per domain per config load.
 */

export const AUTOCONFIG_CONTENT_TYPE = 'application/xml; charset=utf-8';

/** socketType words are case-sensitive in Thunderbird (§1.4). */
const SOCKET_TYPE = { tls: 'SSL', starttls: 'STARTTLS', none: 'plain' } as const satisfies Record<
  Security,
  string
>;

function server(
  parent: XMLBuilder,
  element: 'incomingServer' | 'outgoingServer',
  settings: ServerSettings,
): void {
  const node = parent.ele(element, { type: settings.type });
  node.ele('hostname').txt(settings.host);
  node.ele('port').txt(String(settings.port));
  node.ele('socketType').txt(SOCKET_TYPE[settings.security]);
  for (const method of settings.auth) node.ele('authentication').txt(method);
  // A server that takes no login name gets no <username> (ISPDB does the same).
  if (settings.username !== '') node.ele('username').txt(settings.username);
  if (settings.pop3) {
    const pop3 = node.ele('pop3');
    const options = settings.pop3;
    if (options.leaveMessagesOnServer !== undefined)
      pop3.ele('leaveMessagesOnServer').txt(String(options.leaveMessagesOnServer));
    if (options.daysToLeaveMessagesOnServer !== undefined)
      pop3.ele('daysToLeaveMessagesOnServer').txt(String(options.daysToLeaveMessagesOnServer));
    if (options.downloadOnBiff !== undefined) pop3.ele('downloadOnBiff').txt(String(options.downloadOnBiff));
    if (options.checkInterval !== undefined)
      pop3.ele('checkInterval', { minutes: String(options.checkInterval) });
  }
  for (const key of ['owaURL', 'ewsURL', 'easURL'] as const) {
    const url = settings.exchange?.[key];
    if (url !== undefined) node.ele(key).txt(url);
  }
  if (settings.restriction) node.ele('restriction').txt(settings.restriction);
  if (settings.addThisServer !== undefined) node.ele('addThisServer').txt(String(settings.addThisServer));
  if (settings.useGlobalPreferredServer !== undefined)
    node.ele('useGlobalPreferredServer').txt(String(settings.useGlobalPreferredServer));
}

/**
 * Thunderbird fills `%EMAILDOMAIN%` in `hostname` and `displayName` itself (protocols.md §1.5), so
 * those go out as written; URLs are expanded for the name asked for, as no client fills them.
 */
export function renderAutoconfig(settings: DomainSettings, options: { asWritten?: boolean } = {}): string {
  const written = settings.templates;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('clientConfig', { version: '1.1' });
  const provider = root.ele('emailProvider', { id: settings.domain });
  for (const domain of [settings.domain, ...settings.aliases]) provider.ele('domain').txt(domain);
  provider.ele('displayName').txt(written?.providerName ?? settings.provider.name);
  provider
    .ele('displayShortName')
    .txt((options.asWritten ? written?.providerShortName : undefined) ?? settings.provider.shortName);
  for (const incoming of written?.incoming ?? settings.incoming) server(provider, 'incomingServer', incoming);
  for (const outgoing of written?.outgoing ?? settings.outgoing) server(provider, 'outgoingServer', outgoing);
  for (const link of settings.documentation) {
    const doc = provider.ele('documentation', { url: link.url });
    for (const [lang, text] of Object.entries(link.description)) doc.ele('descr', { lang }).txt(text);
  }
  if (settings.enable) {
    const enable = provider.ele('enable', { visiturl: settings.enable.visitUrl });
    for (const [lang, text] of Object.entries(settings.enable.instructions))
      enable.ele('instruction', { lang }).txt(text);
  }
  // The draft and ISPDB put these at clientConfig level (§1.3); Thunderbird ignores the DAV
  // blocks and discovers CalDAV/CardDAV itself, but other clients read them.
  if (settings.carddav) dav(root, 'addressBook', 'carddav', settings.carddav);
  if (settings.caldav) dav(root, 'calendar', 'caldav', settings.caldav);
  const webmail = options.asWritten ? (written?.webmail ?? settings.webmail) : settings.webmail;
  if (webmail) webMail(root, webmail);
  if (settings.oauth2) {
    const oauth = root.ele('oAuth2');
    oauth.ele('issuer').txt(settings.oauth2.issuer);
    oauth.ele('scope').txt(settings.oauth2.scope);
    oauth.ele('authURL').txt(settings.oauth2.authURL);
    oauth.ele('tokenURL').txt(settings.oauth2.tokenURL);
  }
  return root.end({ prettyPrint: true, indent: '  ' }) + '\n';
}

/**
 * The file a provider submits to Thunderbird's ISPDB (`mail-autoconf export --format ispdb`): the
 * autoconfig document with every name of the domain as a `<domain>`, values as written (the ISPDB
 * keeps `%EMAILDOMAIN%` in webmail hosts too), and nothing that belongs to this deployment (the
 * autoconfig answer holds none: no clientConfigUpdate, no URL of this service).
 */
export function renderIspdbFile(settings: DomainSettings): string {
  return renderAutoconfig(settings, { asWritten: true });
}

function webMail(root: XMLBuilder, webmail: WebmailSettings): void {
  const node = root.ele('webMail');
  node.ele('loginPage', { url: webmail.url });
  const info = webmail.loginPageInfo;
  if (!info) return;
  const page = node.ele('loginPageInfo', { url: info.url });
  page.ele('username').txt(info.username);
  const field = (name: string, value: WebmailField | undefined) => {
    if (value)
      page.ele(name, {
        ...(value.id !== undefined && { id: value.id }),
        ...(value.name !== undefined && { name: value.name }),
      });
  };
  field('usernameField', info.usernameField);
  field('passwordField', info.passwordField);
  field('loginButton', info.loginButton);
}

function dav(
  root: XMLBuilder,
  element: 'addressBook' | 'calendar',
  type: 'carddav' | 'caldav',
  settings: NonNullable<DomainSettings['caldav']>,
): void {
  const node = root.ele(element, { type });
  node.ele('username').txt(settings.username);
  node.ele('authentication').txt(settings.auth);
  node.ele('serverURL').txt(settings.url);
}
