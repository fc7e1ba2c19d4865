import { answerSettingsPage } from '../../../src/endpoints/settings-page';
import { loadConfigTexts } from '../../../src/config/load';
import { formatProblem } from '../../../src/config/problems';
import { domainZones } from '../../../src/dns/records';
import { answerAutoconfig } from '../../../src/endpoints/autoconfig';
import { answerAutodiscoverPost } from '../../../src/endpoints/autodiscover-pox';
import { answerMobileconfig } from '../../../src/endpoints/mobileconfig';
import { answerAutodiscoverJson } from '../../../src/endpoints/autodiscover-json';
import { Snapshot } from '../../../src/catalog/snapshot';
import { FIXED_NOW, loadInline, poxBody } from '../../helpers/example';

/**
 * Never tell a client to log in a way its server refuses (issue 11, step 2): for each format, each
 * kind of server it cannot describe is left out, and a domain with nothing left gets the format's
 * error. `validate` names each case per domain and format.
 */

const OAUTH2 =
  'oauth2: { issuer: login.example.com, scope: mail, authURL: "https://login.example.com/a", tokenURL: "https://login.example.com/t" }\n';
const GOOD_IMAP = '  - { type: imap, host: imap.example.com, security: tls }\n';
const GOOD_SMTP = '  - { host: smtp.example.com, security: tls }\n';

function snapshotOf(incoming: string, outgoing = GOOD_SMTP, extra = ''): Snapshot {
  return new Snapshot(
    loadInline({
      'd.yaml': `domain: example.com\nincoming:\n${incoming}outgoing:\n${outgoing}${OAUTH2}${extra}`,
    }),
  );
}

function pox(snapshot: Snapshot): string {
  return answerAutodiscoverPost(snapshot, {
    body: poxBody('jane@example.com'),
    now: FIXED_NOW,
  }).body.toString();
}

function poxHosts(snapshot: Snapshot): string[] {
  return [...pox(snapshot).matchAll(/<Server>([^<]+)<\/Server>/g)].map((m) => m[1] as string);
}

function warnings(incoming: string, outgoing = GOOD_SMTP): string[] {
  const result = loadConfigTexts([
    { file: 'd.yaml', text: `domain: example.com\nincoming:\n${incoming}outgoing:\n${outgoing}${OAUTH2}` },
  ]);
  if (!result.ok) throw new Error(result.errors.map(formatProblem).join('\n'));
  return result.config.warnings.map(formatProblem);
}

describe('Outlook (POX): servers it cannot describe are left out', () => {
  it.each([
    ['OAuth2 only', 'OAuth2', 'its only method is OAuth2'],
    [
      'CRAM-MD5 only (SPA off would send the password as typed)',
      'password-encrypted',
      'its only method is password-encrypted',
    ],
    ['a client certificate only', 'TLS-client-cert', 'its only method is TLS-client-cert'],
  ])('%s', (_case, auth, reason) => {
    const snapshot = snapshotOf(
      `  - { type: imap, host: locked.example.com, security: tls, auth: ${auth} }\n${GOOD_IMAP}`,
    );
    expect(poxHosts(snapshot)).toEqual(['imap.example.com', 'smtp.example.com']);
    expect(
      warnings(`  - { type: imap, host: locked.example.com, security: tls, auth: ${auth} }\n${GOOD_IMAP}`),
    ).toContain(
      `d.yaml:3:5 warning: incoming[0]: Outlook (POX) cannot use locked.example.com: ${reason}; the Outlook answer leaves it out`,
    );
  });

  it('an Exchange server', () => {
    const exchange =
      '  - { type: exchange, host: ex.example.com, security: tls, ewsURL: "https://ex.example.com/EWS/Exchange.asmx" }\n';
    expect(poxHosts(snapshotOf(`${exchange}${GOOD_IMAP}`))).toEqual(['imap.example.com', 'smtp.example.com']);
  });

  it('announces the first method it can express, never the one before it', () => {
    const xml = pox(
      snapshotOf(
        '  - { type: imap, host: imap.example.com, security: tls, auth: [OAuth2, NTLM, password-cleartext] }\n',
      ),
    );
    expect(xml).toContain('<SPA>on</SPA>');
  });

  it('nothing left to describe: error 501, and Autodiscover v2 offers no AutodiscoverV1 URL', () => {
    const snapshot = snapshotOf('  - { type: imap, host: imap.example.com, security: tls, auth: OAuth2 }\n');
    const xml = pox(snapshot);
    expect(xml).toContain('<ErrorCode>501</ErrorCode>');
    expect(xml).not.toContain('<Protocol>');
    const json = answerAutodiscoverJson(snapshot, {
      address: 'jane@example.com',
      protocol: 'AutodiscoverV1',
    });
    expect(json.status).toBe(400);
    expect(warnings('  - { type: imap, host: imap.example.com, security: tls, auth: OAuth2 }\n')).toContain(
      'd.yaml:1:1 warning: Outlook (POX) has no incoming or no outgoing server it can describe for example.com: Outlook gets Autodiscover error 501 and Autodiscover v2 offers no AutodiscoverV1 URL',
    );
  });
});

describe('Apple profile: servers it cannot describe are skipped', () => {
  const profile = (snapshot: Snapshot) =>
    answerMobileconfig(snapshot, { emailaddress: 'jane@example.com', now: FIXED_NOW });

  it.each([['OAuth2'], ['GSSAPI'], ['TLS-client-cert']])('%s only', (auth) => {
    const body = profile(
      snapshotOf(`  - { type: imap, host: locked.example.com, security: tls, auth: ${auth} }\n${GOOD_IMAP}`),
    ).body.toString();
    expect(body).toContain('<string>imap.example.com</string>');
    expect(body).not.toContain('locked.example.com');
  });

  it('an Exchange server', () => {
    const body = profile(
      snapshotOf(`  - { type: exchange, host: ex.example.com, security: tls }\n${GOOD_IMAP}`),
    ).body.toString();
    expect(body).not.toContain('ex.example.com');
  });

  it('nothing left to describe: the download is refused, and the settings page offers no profile', () => {
    const snapshot = snapshotOf(GOOD_IMAP, '  - { host: smtp.example.com, security: tls, auth: OAuth2 }\n');
    const answer = profile(snapshot);
    expect(answer.status).toBe(404);
    expect(answer.meta.outcome).toBe('unsupported');
    const page = answerSettingsPage(snapshot, {
      email: 'alice@example.com',
      lang: 'en',
      acceptLanguage: undefined,
      host: undefined,
    });
    expect(page.status).toBe(200);
    expect(page.body.toString()).not.toContain('/mobileconfig');
    expect(warnings(GOOD_IMAP, '  - { host: smtp.example.com, security: tls, auth: OAuth2 }\n')).toContain(
      'd.yaml:1:1 warning: Apple profile has no IMAP/POP3 and SMTP pair it can describe for example.com: the profile download answers 404 and the settings page offers none',
    );
  });
});

describe('ActiveSync (mobilesync): only an ActiveSync endpoint', () => {
  const mobilesync = (snapshot: Snapshot) =>
    answerAutodiscoverPost(snapshot, {
      body: poxBody(
        'jane@example.com',
        'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
        'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006',
      ),
      now: FIXED_NOW,
    }).body.toString();

  it('a domain of IMAP and Exchange servers without an EAS URL gets error 601', () => {
    const snapshot = snapshotOf(
      `  - { type: exchange, host: ex.example.com, security: tls, ewsURL: "https://ex.example.com/EWS/Exchange.asmx" }\n${GOOD_IMAP}`,
    );
    expect(mobilesync(snapshot)).toContain('<ErrorCode>601</ErrorCode>');
  });

  it("an Exchange server's https easURL is the ActiveSync endpoint when activeSync is not set", () => {
    const snapshot = snapshotOf(
      `  - { type: exchange, host: ex.example.com, security: tls, easURL: "https://ex.example.com/Microsoft-Server-ActiveSync" }\n${GOOD_IMAP}`,
    );
    expect(mobilesync(snapshot)).toContain('<Url>https://ex.example.com/Microsoft-Server-ActiveSync</Url>');
    const json = answerAutodiscoverJson(snapshot, { address: 'jane@example.com', protocol: 'ActiveSync' });
    expect(json.body.toString()).toContain('https://ex.example.com/Microsoft-Server-ActiveSync');
  });
});

describe('Thunderbird (autoconfig): lists every server, and validate says which it will skip', () => {
  it('a client certificate only: listed (other readers may use it), reported', () => {
    const incoming = `  - { type: imap, host: cert.example.com, security: tls, auth: TLS-client-cert }\n${GOOD_IMAP}`;
    const xml = answerAutoconfig(snapshotOf(incoming), {
      emailaddress: 'jane@example.com',
      host: undefined,
    }).body.toString();
    expect(xml).toContain('<hostname>cert.example.com</hostname>');
    expect(warnings(incoming)).toContain(
      'd.yaml:3:5 warning: incoming[0]: Thunderbird (autoconfig) cannot use cert.example.com: its only method is TLS-client-cert; Thunderbird will skip it (other autoconfig readers may not)',
    );
  });

  it('OAuth2 only on a host whose issuer Thunderbird does not know, whatever the oauth2 block says', () => {
    expect(
      warnings(`  - { type: imap, host: oauth.example.com, security: tls, auth: OAuth2 }\n${GOOD_IMAP}`),
    ).toContain(
      'd.yaml:3:5 warning: incoming[0]: Thunderbird (autoconfig) cannot use oauth.example.com: its only method is OAuth2 (Thunderbird uses OAuth2 only for hosts it knows the issuer of, whatever the oAuth2 block says); Thunderbird will skip it (other autoconfig readers may not)',
    );
  });

  it('OAuth2 on a host Thunderbird knows needs no oauth2 block; elsewhere the error names the fix', () => {
    const servers = (host: string) =>
      `domain: example.com\nincoming: [{ type: imap, host: ${host}, security: tls, auth: OAuth2 }]\noutgoing: [{ host: smtp.gmail.com, security: tls, auth: [OAuth2, password-cleartext] }]\n`;
    expect(loadConfigTexts([{ file: 'a.yaml', text: servers('imap.gmail.com') }]).ok).toBe(true);
    const refused = loadConfigTexts([{ file: 'a.yaml', text: servers('imap.example.com') }]);
    expect(refused.ok ? [] : refused.errors.map(formatProblem)).toEqual([
      'a.yaml:1:1 imap.example.com uses OAuth2 authentication, but Thunderbird does not know its issuer by host name: add an "oauth2" block (issuer, scope, authURL, tokenURL) or remove OAuth2 from its auth list',
    ]);
  });
});

describe('DNS (RFC 6186 SRV)', () => {
  it('has no label for an Exchange server: it gets no SRV record', () => {
    const snapshot = snapshotOf(`  - { type: exchange, host: ex.example.com, security: tls }\n${GOOD_IMAP}`);
    const settings = snapshot.settings('example.com')!;
    const targets = domainZones(settings, snapshot.dns).flatMap((zone) =>
      zone.records.flatMap((record) => (record.data.type === 'SRV' ? [record.data.target] : [])),
    );
    expect(targets).toContain('imap.example.com');
    expect(targets).not.toContain('ex.example.com');
  });
});
