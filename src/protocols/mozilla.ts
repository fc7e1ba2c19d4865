import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { DomainSettings, Security, ServerSettings } from '../core/settings';

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
  node.ele('username').txt(settings.username);
}

export function renderAutoconfig(settings: DomainSettings): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('clientConfig', { version: '1.1' });
  const provider = root.ele('emailProvider', { id: settings.domain });
  for (const domain of [settings.domain, ...settings.aliases]) provider.ele('domain').txt(domain);
  provider.ele('displayName').txt(settings.provider.name);
  provider.ele('displayShortName').txt(settings.provider.shortName);
  for (const incoming of settings.incoming) server(provider, 'incomingServer', incoming);
  for (const outgoing of settings.outgoing) server(provider, 'outgoingServer', outgoing);
  if (settings.documentation) {
    const doc = provider.ele('documentation', { url: settings.documentation.url });
    for (const [lang, text] of Object.entries(settings.documentation.description))
      doc.ele('descr', { lang }).txt(text);
  }
  // The draft and ISPDB put these at clientConfig level (§1.3); Thunderbird ignores the DAV
  // blocks and discovers CalDAV/CardDAV itself, but other clients read them.
  if (settings.carddav) dav(root, 'addressBook', 'carddav', settings.carddav);
  if (settings.caldav) dav(root, 'calendar', 'caldav', settings.caldav);
  if (settings.webmail) root.ele('webMail').ele('loginPage', { url: settings.webmail });
  if (settings.oauth2) {
    const oauth = root.ele('oAuth2');
    oauth.ele('issuer').txt(settings.oauth2.issuer);
    oauth.ele('scope').txt(settings.oauth2.scope);
    oauth.ele('authURL').txt(settings.oauth2.authURL);
    oauth.ele('tokenURL').txt(settings.oauth2.tokenURL);
  }
  return root.end({ prettyPrint: true, indent: '  ' }) + '\n';
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
