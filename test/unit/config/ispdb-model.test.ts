import { loadConfigTexts } from '../../../src/config/load';
import { formatProblem } from '../../../src/config/problems';
import { domainZones } from '../../../src/dns/records';
import { answerAutoconfig } from '../../../src/endpoints/autoconfig';
import { answerAutodiscoverPost } from '../../../src/endpoints/autodiscover-pox';
import { answerMobileconfig } from '../../../src/endpoints/mobileconfig';
import { answerSettingsPage } from '../../../src/endpoints/settings-page';
import { Snapshot } from '../../../src/catalog/snapshot';
import { FIXED_NOW, poxBody } from '../../helpers/example';

/** The rows of the ISPDB feature table (issue 11) that the model now holds, format by format. */

function load(text: string) {
  return loadConfigTexts([{ file: 'd.yaml', text }]);
}
function errors(text: string): string[] {
  const result = load(text);
  return result.ok ? [] : result.errors.map(formatProblem);
}
function warnings(text: string): string[] {
  const result = load(text);
  if (!result.ok) throw new Error(result.errors.map(formatProblem).join('\n'));
  return result.config.warnings.map(formatProblem).filter((w) => !w.includes('service.hostAddresses'));
}
function snapshot(text: string): Snapshot {
  const result = load(text);
  if (!result.ok) throw new Error(result.errors.map(formatProblem).join('\n'));
  return new Snapshot(result.config);
}
const autoconfig = (s: Snapshot, address: string) =>
  answerAutoconfig(s, { emailaddress: address, host: undefined }).body.toString();
const pox = (s: Snapshot, address: string) =>
  answerAutodiscoverPost(s, { body: poxBody(address), now: FIXED_NOW }).body.toString();

const TEMPLATED = `domain: hoster.example
aliases: [customer.example]
provider: { name: "%EMAILDOMAIN% Mail", shortName: "%EMAILDOMAIN%" }
incoming: [{ type: imap, host: "mail.%EMAILDOMAIN%", security: tls }]
outgoing: [{ host: "smtp.%EMAILDOMAIN%", security: starttls }]
webmail: "https://webmail.%EMAILDOMAIN%/"
`;

describe('%EMAILDOMAIN% in host names, provider name and webmail host', () => {
  const s = snapshot(TEMPLATED);

  it('autoconfig keeps it where Thunderbird fills it in, and fills in URLs for the name asked for', () => {
    const xml = autoconfig(s, 'jane@customer.example');
    expect(xml).toContain('<hostname>mail.%EMAILDOMAIN%</hostname>');
    expect(xml).toContain('<displayName>%EMAILDOMAIN% Mail</displayName>');
    // Thunderbird fills placeholders in displayName but not in displayShortName.
    expect(xml).toContain('<displayShortName>customer.example</displayShortName>');
    expect(xml).toContain('<loginPage url="https://webmail.customer.example/"/>');
  });

  it('POX, the Apple profile and the settings page get the literal host of the address domain', () => {
    expect(pox(s, 'jane@customer.example')).toContain('<Server>mail.customer.example</Server>');
    expect(pox(s, 'jane@hoster.example')).toContain('<Server>mail.hoster.example</Server>');
    const profile = answerMobileconfig(s, {
      emailaddress: 'jane@customer.example',
      now: FIXED_NOW,
    }).body.toString();
    expect(profile).toContain('<string>mail.customer.example</string>');
    expect(profile).toContain('<string>customer.example Mail</string>');
    const page = answerSettingsPage(s, {
      email: 'jane@customer.example',
      lang: 'en',
      acceptLanguage: undefined,
      host: undefined,
    }).body.toString();
    expect(page).toContain('mail.customer.example');
    expect(page).not.toContain('%EMAILDOMAIN%');
  });

  it('DNS SRV targets are each zone’s own host', () => {
    const settings = s.settings('hoster.example')!;
    const targets = Object.fromEntries(
      domainZones(settings, s.dns).map((zone) => [
        zone.zone,
        zone.records.flatMap((r) => (r.data.type === 'SRV' && r.data.port === 993 ? [r.data.target] : [])),
      ]),
    );
    expect(targets).toEqual({
      'hoster.example': ['mail.hoster.example'],
      'customer.example': ['mail.customer.example'],
    });
  });

  it('is checked again once filled in for every served name', () => {
    const long = `${'a'.repeat(60)}.example`;
    expect(
      errors(
        `domain: short.example\naliases: [${long}]\nincoming: [{ type: imap, host: "imap-server.%EMAILDOMAIN%", security: tls }]\noutgoing: [{ host: smtp.short.example, security: tls }]\n`,
      ),
    ).toEqual([]);
    expect(
      errors(
        `domain: short.example\naliases: [${Array(4).fill('b'.repeat(60)).join('.')}.example]\nincoming: [{ type: imap, host: "imap-server.%EMAILDOMAIN%", security: tls }]\noutgoing: [{ host: smtp.short.example, security: tls }]\n`,
      ),
    ).toEqual([
      expect.stringMatching(
        /incoming\[0\]\.host: imap-server\.%EMAILDOMAIN% filled in for [b.]+\.example gives .* which is not a valid host name/,
      ),
    ]);
  });

  it('refuses other placeholders in a host name, naming the rule', () => {
    expect(
      errors(
        `domain: a.example\nincoming: [{ type: imap, host: "%EMAILLOCALPART%.a.example", security: tls }]\noutgoing: [{ host: smtp.a.example, security: tls }]\n`,
      ),
    ).toEqual([
      'd.yaml:2:32 incoming[0].host: a host name may hold %EMAILDOMAIN% once and no other placeholder (a host cannot depend on the mailbox)',
    ]);
  });
});

const BASE = `domain: rows.example
incoming:
  - type: pop3
    host: pop.rows.example
    security: tls
    pop3: { leaveMessagesOnServer: true, daysToLeaveMessagesOnServer: 14, downloadOnBiff: false, checkInterval: 15 }
  - { type: imap, host: imap.rows.example, security: tls }
  - type: exchange
    host: ex.rows.example
    security: tls
    useGlobalPreferredServer: true
    owaURL: https://ex.rows.example/owa/
    ewsURL: https://ex.rows.example/EWS/Exchange.asmx
    easURL: https://ex.rows.example/Microsoft-Server-ActiveSync
outgoing:
  - { host: relay.rows.example, port: 25, security: starttls, auth: client-IP-address, username: none, restriction: client-IP-address }
  - { host: smtp.rows.example, security: tls, addThisServer: true, useGlobalPreferredServer: false }
`;

describe('the other rows of the table, through autoconfig', () => {
  const xml = autoconfig(
    snapshot(`${BASE}provider: { name: Rows, shortName: A Short Name Of Thirty Chars }
documentation:
  - { url: "http://help.rows.example/imap", description: { en: IMAP help } }
  - { url: "https://help.rows.example/pop", description: { en: POP help, de: POP-Hilfe } }
enable:
  visitUrl: https://rows.example/settings?a=1&b=2
  instructions: { en: Switch IMAP on first }
webmail:
  url: https://webmail.rows.example/
  loginPageInfo:
    url: https://webmail.rows.example/login
    usernameField: { id: user }
    passwordField: { id: pass, name: password }
    loginButton: { name: go }
`),
    'jane@rows.example',
  );

  it.each([
    [
      'pop3 options',
      '<pop3>\n        <leaveMessagesOnServer>true</leaveMessagesOnServer>\n        <daysToLeaveMessagesOnServer>14</daysToLeaveMessagesOnServer>\n        <downloadOnBiff>false</downloadOnBiff>\n        <checkInterval minutes="15"/>\n      </pop3>',
    ],
    [
      'exchange with its URLs',
      '<incomingServer type="exchange">\n      <hostname>ex.rows.example</hostname>\n      <port>443</port>',
    ],
    ['owaURL', '<owaURL>https://ex.rows.example/owa/</owaURL>'],
    ['useGlobalPreferredServer', '<useGlobalPreferredServer>true</useGlobalPreferredServer>'],
    [
      'a server without username, with its restriction',
      '<authentication>client-IP-address</authentication>\n      <restriction>client-IP-address</restriction>',
    ],
    ['addThisServer', '<addThisServer>true</addThisServer>'],
    ['several documentation entries, http accepted', '<documentation url="http://help.rows.example/imap">'],
    ['a second documentation entry', '<descr lang="de">POP-Hilfe</descr>'],
    [
      'enable with instruction',
      '<enable visiturl="https://rows.example/settings?a=1&amp;b=2">\n      <instruction lang="en">Switch IMAP on first</instruction>',
    ],
    [
      'webmail login form',
      '<loginPageInfo url="https://webmail.rows.example/login">\n      <username>%EMAILADDRESS%</username>\n      <usernameField id="user"/>\n      <passwordField id="pass" name="password"/>\n      <loginButton name="go"/>',
    ],
    ['a short name over 20 characters', '<displayShortName>A Short Name Of Thirty Chars</displayShortName>'],
  ])('%s', (_row, fragment) => {
    expect(xml).toContain(fragment);
  });

  it('sends no <username> for a server without one', () => {
    const relay = xml.slice(xml.indexOf('relay.rows.example'), xml.indexOf('</outgoingServer>'));
    expect(relay).not.toContain('<username>');
  });

  it('POX leaves out the login name of a server that takes none, and says no authentication is required', () => {
    const answer = pox(snapshot(BASE), 'jane@rows.example');
    const relay = answer.slice(
      answer.indexOf('relay.rows.example'),
      answer.indexOf('</Protocol>', answer.indexOf('relay.rows.example')),
    );
    expect(relay).not.toContain('<LoginName>');
    expect(relay).toContain('<AuthRequired>off</AuthRequired>');
  });
});

describe('validate', () => {
  it('warns about http links, a long short name, a domain listed twice and a password server without a login name', () => {
    expect(
      warnings(`domain: w.example
aliases: [w.example, x.example, x.example]
provider: { name: W, shortName: Twenty-one characters }
documentation: { url: "http://w.example/help" }
incoming: [{ type: imap, host: imap.w.example, security: tls, username: none }]
outgoing: [{ host: smtp.w.example, security: tls }]
`),
    ).toEqual([
      'd.yaml:2:11 warning: aliases[0]: w.example is listed twice for this domain; it is served once',
      'd.yaml:2:33 warning: aliases[2]: x.example is listed twice for this domain; it is served once',
      'd.yaml:3:33 warning: provider.shortName: the short name has 21 characters; clients show about 20 (the autoconfig draft allows at most 20)',
      'd.yaml:4:16 warning: documentation: http://w.example/help is a plain http:// link: people following it can be redirected or read; use https://',
      'd.yaml:5:73 warning: incoming[0].username: imap.w.example takes a password (password-cleartext) but "username: none" sends no login name: clients will ask for one',
    ]);
  });

  it('rejects options on a server type they do not belong to', () => {
    expect(
      errors(`domain: a.example
incoming: [{ type: imap, host: imap.a.example, security: tls, pop3: { downloadOnBiff: true }, owaURL: "https://a.example/owa" }]
outgoing: [{ host: smtp.a.example, security: tls }]
`),
    ).toEqual([
      'd.yaml:2:69 incoming[0].pop3: pop3 options are for a server of type pop3',
      'd.yaml:2:103 incoming[0].owaURL: owaURL is for a server of type exchange',
    ]);
  });
});

describe('a templated webmail URL', () => {
  it('is checked again once filled in for every served name', () => {
    const alias = `${Array(4).fill('c'.repeat(60)).join('.')}.example`;
    expect(
      errors(`domain: w.example
aliases: [${alias}]
incoming: [{ type: imap, host: imap.w.example, security: tls }]
outgoing: [{ host: smtp.w.example, security: tls }]
webmail: "https://webmail-portal.%EMAILDOMAIN%/"
`),
    ).toEqual([
      `d.yaml:5:10 webmail: https://webmail-portal.%EMAILDOMAIN%/ filled in for ${alias} is not a valid URL`,
    ]);
  });
});

describe('the settings page', () => {
  it('says a server takes no login name, works only inside the network, and keeps POP3 mail', () => {
    const page = answerSettingsPage(snapshot(BASE), {
      email: 'jane@rows.example',
      lang: 'en',
      acceptLanguage: undefined,
      host: undefined,
    }).body.toString();
    expect(page).toContain('none (no login name)');
    expect(page).toContain('Works only from inside the provider’s network');
    expect(page).toContain('Keep a copy of messages on the server for 14 days');
  });
});
