import { matchingAuth } from '../../../src/check/server-checks';
import { mxLookupDomains } from '../../../src/check/more-answer-checks';

describe('matchingAuth', () => {
  const caps = (mechanisms: string[], plainLogin = false) => ({ starttls: false, mechanisms, plainLogin });
  it.each([
    [['password-cleartext'], caps(['PLAIN']), 'password-cleartext'],
    [['password-cleartext'], caps([], true), 'password-cleartext'],
    [['password-cleartext'], caps(['CRAM-MD5']), undefined],
    [['password-encrypted'], caps(['PLAIN', 'LOGIN']), undefined],
    [['password-encrypted'], caps(['SCRAM-SHA-256']), 'password-encrypted'],
    [['OAuth2', 'password-cleartext'], caps(['OAUTHBEARER']), 'OAuth2'],
    [['client-IP-address'], caps([]), 'client-IP-address'],
  ] as const)('%j with %j: %s', (auth, capabilities, expected) => {
    expect(matchingAuth(auth, capabilities)).toBe(expected);
  });
});

describe('mxLookupDomains (Thunderbird asks autoconfig.<these>)', () => {
  it.each([
    ['mx1.mailhost.net', 'example.com', ['mailhost.net']],
    ['mx1.eu.mailhost.net', 'example.com', ['mailhost.net', 'eu.mailhost.net']],
    ['mx.mail.hoster.co.uk', 'example.com', ['hoster.co.uk', 'mail.hoster.co.uk']],
    ['mailhost.net.', 'example.com', ['mailhost.net']],
    ['mx1.example.com', 'example.com', []],
  ])('MX %s for %s: %j', (mx, domain, expected) => {
    expect(mxLookupDomains(mx, domain)).toEqual(expected);
  });
});
