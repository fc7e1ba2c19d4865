import { XMLParser } from 'fast-xml-parser';

/**
 * What a clientConfig document means to a client, independent of formatting: servers in order
 * with their fields, domains, names, help pages, webmail, OAuth2, enable and POP3 options.
 * Deprecated words are read as Thunderbird reads them, only the first socketType counts, and
 * `%EMAILDOMAIN%` is filled in with `domain` everywhere (Thunderbird fills host names and names;
 * URLs are literal for the domain asked for). Written with fast-xml-parser, independent of the
 * import code it checks.
 */
const AUTH_ALIASES: Record<string, string> = {
  plain: 'password-cleartext',
  secure: 'password-encrypted',
  'SMTP-after-POP': 'smtp-after-pop',
};

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/** A parsed value as text: fast-xml-parser gives strings here (parseTagValue is off). */
const asText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';
const list = (node: Node | undefined, name: string): Node[] => (node?.[name] as Node[] | undefined) ?? [];
const text = (node: Node | undefined, name: string): string | undefined => {
  const value = list(node, name)[0];
  if (value === undefined) return undefined;
  return typeof value === 'object' ? asText(value['#text']) : asText(value);
};
const texts = (node: Node | undefined, name: string): string[] =>
  list(node, name).map((value) => (typeof value === 'object' ? asText(value['#text']) : asText(value)));

export function autoconfigMeaning(xml: string, domain: string, lost: { drop?: string[] } = {}): unknown {
  const fill = (value: string | undefined) => value?.split('%EMAILDOMAIN%').join(domain);
  const root = list(parser.parse(xml) as Node, 'clientConfig')[0] as Node;
  const provider = list(root, 'emailProvider')[0] as Node;
  const server = (node: Node) => {
    const pop3 = list(node, 'pop3')[0];
    return {
      type: node['@type'],
      hostname: fill(text(node, 'hostname'))?.toLowerCase(),
      port: Number(text(node, 'port')),
      socketType: text(node, 'socketType'),
      authentication: [...new Set(texts(node, 'authentication').map((a) => AUTH_ALIASES[a] ?? a))],
      username: text(node, 'username') ?? null,
      pop3: pop3 && {
        leaveMessagesOnServer: text(pop3, 'leaveMessagesOnServer'),
        daysToLeaveMessagesOnServer: text(pop3, 'daysToLeaveMessagesOnServer'),
        downloadOnBiff: text(pop3, 'downloadOnBiff'),
        checkInterval: list(pop3, 'checkInterval')[0]?.['@minutes'],
      },
      owaURL: text(node, 'owaURL'),
      ewsURL: text(node, 'ewsURL'),
      easURL: text(node, 'easURL'),
      restriction: text(node, 'restriction'),
      addThisServer: text(node, 'addThisServer'),
      useGlobalPreferredServer: text(node, 'useGlobalPreferredServer'),
    };
  };
  const known = (node: Node) => !(lost.drop ?? []).includes(String(node['@type']));
  const webMail = list(root, 'webMail')[0] ?? list(provider, 'webMail')[0];
  const info = list(webMail, 'loginPageInfo')[0];
  const field = (name: string) => {
    const node = list(info, name)[0];
    return node && { id: node['@id'], name: node['@name'] };
  };
  const enable = list(provider, 'enable')[0];
  const oauth = list(root, 'oAuth2')[0] ?? list(provider, 'oAuth2')[0];
  const dav = (name: string[]) => {
    const node = name.map((n) => list(root, n)[0]).find(Boolean);
    return (
      node && {
        url: text(node, 'serverURL'),
        username: text(node, 'username'),
        authentication: text(node, 'authentication'),
      }
    );
  };
  const localised = (nodes: Node[]) =>
    Object.fromEntries(
      nodes.map((n) => [n['@lang'] === undefined ? 'en' : asText(n['@lang']), asText(n['#text'])]),
    );
  return {
    domains: [...new Set(texts(provider, 'domain').map((d) => d.toLowerCase()))].sort(),
    displayName: fill(text(provider, 'displayName')),
    displayShortName: fill(text(provider, 'displayShortName')),
    incoming: list(provider, 'incomingServer').filter(known).map(server),
    outgoing: list(provider, 'outgoingServer').map(server),
    documentation: list(provider, 'documentation').map((doc) => ({
      url: doc['@url'],
      descr: localised(list(doc, 'descr')),
    })),
    enable: enable && { visiturl: enable['@visiturl'], instruction: localised(list(enable, 'instruction')) },
    webMail: webMail && {
      loginPage: fill(list(webMail, 'loginPage')[0]?.['@url'] as string | undefined),
      loginPageInfo: info && {
        url: fill(info['@url'] as string),
        username: text(info, 'username'),
        usernameField: field('usernameField'),
        passwordField: field('passwordField'),
        loginButton: field('loginButton'),
      },
    },
    oAuth2: oauth && {
      issuer: text(oauth, 'issuer'),
      scope: text(oauth, 'scope'),
      authURL: text(oauth, 'authURL'),
      tokenURL: text(oauth, 'tokenURL'),
    },
    carddav: dav(['addressBook', 'addressbook']),
    caldav: dav(['calendar']),
  };
}
