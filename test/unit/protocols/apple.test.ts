import plist from 'plist';
import { parseEmailAddress, type EmailAddress } from '../../../src/core/address';
import { prepareAppleProfile } from '../../../src/protocols/apple';
import { fillPrepared } from '../../../src/protocols/prepared-text';
import { loadInline } from '../../helpers/example';

type Dict = Record<string, unknown>;

function address(raw: string): EmailAddress {
  const parsed = parseEmailAddress(raw);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

/** The payloads of the profile a domain written as YAML gives `raw`. */
function payloads(yaml: string, raw = 'jane.doe@example.com'): Dict[] {
  const [settings] = loadInline({ 'd.yaml': `domain: example.com\n${yaml}` }).domains;
  if (!settings) throw new Error('no domain');
  const prepared = prepareAppleProfile(settings);
  if (!prepared) throw new Error('no profile');
  const profile = plist.parse(fillPrepared(prepared, address(raw))) as Dict;
  return profile.PayloadContent as Dict[];
}

describe('Apple profile: server choice and vocabulary (protocols.md §4.3)', () => {
  it('takes the first encrypted IMAP server even when POP3 or a plain server is listed first', () => {
    const [mail] = payloads(`incoming:
  - { type: pop3, host: pop.example.com, security: tls }
  - { type: imap, host: plain.example.com, security: none }
  - { type: imap, host: imap.example.com, security: starttls }
outgoing:
  - { host: plain-smtp.example.com, security: none }
  - { host: smtp.example.com, security: starttls }
`);
    expect(mail).toMatchObject({
      EmailAccountType: 'EmailTypeIMAP',
      IncomingMailServerHostName: 'imap.example.com',
      IncomingMailServerPortNumber: 143,
      IncomingMailServerUseSSL: true,
      OutgoingMailServerHostName: 'smtp.example.com',
      OutgoingMailServerPortNumber: 587,
      OutgoingMailServerUseSSL: true,
    });
  });

  it('falls back to POP3 when there is no IMAP server', () => {
    const [mail] = payloads(`incoming: [{ type: pop3, host: pop.example.com, security: tls }]
outgoing: [{ host: smtp.example.com, security: tls }]
`);
    expect(mail).toMatchObject({ EmailAccountType: 'EmailTypePOP', IncomingMailServerPortNumber: 995 });
    expect(mail?.PayloadDescription).toBe('POP/SMTP account jane.doe@example.com');
  });

  it('maps authentication to the first method Apple knows', () => {
    const [mail] =
      payloads(`incoming: [{ type: imap, host: imap.example.com, security: tls, auth: [GSSAPI, NTLM] }]
outgoing: [{ host: smtp.example.com, security: tls, auth: [OAuth2, password-cleartext] }]
oauth2: { issuer: login.example.com, scope: mail, authURL: "https://login.example.com/a", tokenURL: "https://login.example.com/t" }
`);
    expect(mail).toMatchObject({
      IncomingMailServerAuthentication: 'EmailAuthNTLM',
      OutgoingMailServerAuthentication: 'EmailAuthPassword',
    });
  });

  it('skips a server it cannot describe and refuses a domain with none (never a password the server refuses)', () => {
    const oauth2 =
      'oauth2: { issuer: login.example.com, scope: mail, authURL: "https://login.example.com/a", tokenURL: "https://login.example.com/t" }\n';
    const [mail] = payloads(`incoming:
  - { type: imap, host: oauth.example.com, security: tls, auth: OAuth2 }
  - { type: imap, host: imap.example.com, security: tls }
outgoing: [{ host: smtp.example.com, security: tls }]
${oauth2}`);
    expect(mail?.IncomingMailServerHostName).toBe('imap.example.com');
    const [settings] = loadInline({
      'd.yaml': `domain: example.com
incoming: [{ type: imap, host: imap.example.com, security: tls, auth: OAuth2 }]
outgoing: [{ host: smtp.example.com, security: tls, auth: [TLS-client-cert] }]
${oauth2}`,
    }).domains;
    expect(prepareAppleProfile(settings!)).toBeUndefined();
  });

  it('expands the login policy per server and asks for a second password only when logins differ', () => {
    const [mail, caldav] = payloads(`username: localpart
incoming: [{ type: imap, host: imap.example.com, security: tls }]
outgoing: [{ host: smtp.example.com, security: tls, username: "%EMAILLOCALPART%+smtp" }]
caldav: { url: "https://dav.example.com:8443/cal/", username: email }
`);
    expect(mail).toMatchObject({
      IncomingMailServerUsername: 'jane.doe',
      OutgoingMailServerUsername: 'jane.doe+smtp',
      OutgoingPasswordSameAsIncomingPassword: false,
    });
    expect(caldav).toMatchObject({
      CalDAVHostName: 'dav.example.com',
      CalDAVPort: 8443,
      CalDAVUsername: 'jane.doe@example.com',
      CalDAVUseSSL: true,
    });
  });
});
