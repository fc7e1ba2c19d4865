/**
 * Mail hosts whose OAuth2 issuer Thunderbird knows without being told: its built-in provider table
 * (`OAuth2Providers.sys.mjs` in comm-central, as of Thunderbird 140/153). An entry matches the host
 * itself and every name below it, the way Thunderbird walks a host name up label by label. For
 * these hosts an autoconfig answer may list `OAuth2` without an `oAuth2` block, as ISPDB files do;
 * for any other host Thunderbird skips the OAuth2 method, so the config must name the issuer.
 *
 * Written from the table's host names and issuers (facts about the providers), not copied code.
 */
const KNOWN_OAUTH2_HOSTS: ReadonlyMap<string, string> = new Map([
  ['googlemail.com', 'accounts.google.com'],
  ['gmail.com', 'accounts.google.com'],
  ['imap.mail.ru', 'o2.mail.ru'],
  ['smtp.mail.ru', 'o2.mail.ru'],
  ['imap.yandex.com', 'oauth.yandex.com'],
  ['smtp.yandex.com', 'oauth.yandex.com'],
  ['yahoo.com', 'login.yahoo.com'],
  ['att.net', 'login.yahoo.com'],
  ['aol.com', 'login.aol.com'],
  ['office365.com', 'login.microsoftonline.com'],
  ['outlook.com', 'login.microsoftonline.com'],
  ['hotmail.com', 'login.microsoftonline.com'],
  ['imap.fastmail.com', 'www.fastmail.com'],
  ['pop.fastmail.com', 'www.fastmail.com'],
  ['smtp.fastmail.com', 'www.fastmail.com'],
  ['imap.comcast.net', 'comcast.net'],
  ['pop.comcast.net', 'comcast.net'],
  ['smtp.comcast.net', 'comcast.net'],
  ['thundermail.com', 'auth.tb.pro'],
]);

/** The issuer Thunderbird uses for OAuth2 on `host`, or undefined when it has none built in. */
export function knownOAuth2Issuer(host: string): string | undefined {
  for (let name = host.toLowerCase(); name.includes('.'); name = name.slice(name.indexOf('.') + 1)) {
    const issuer = KNOWN_OAUTH2_HOSTS.get(name);
    if (issuer !== undefined) return issuer;
  }
  return undefined;
}

/** The list as data, for docs and `validate` messages. */
export function knownOAuth2Hosts(): readonly string[] {
  return [...KNOWN_OAUTH2_HOSTS.keys()];
}
