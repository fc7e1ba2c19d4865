import { escapeHtml } from '../../../src/pages/html';
import { CATALOGS, LANGUAGES, type Language } from '../../../src/pages/i18n';
import { answerSettingsPage } from '../../../src/endpoints/settings-page';
import { Snapshot } from '../../../src/catalog/snapshot';
import { exampleSnapshot, loadInline } from '../../helpers/example';
import { expectGolden } from '../../helpers/golden';

/** Three domains, one per login policy, with the texts and extras the page can show. */
const POLICIES_YAML = `
domains:
  - domain: full.example
    provider: { name: Full Mail }
    incoming: [{ type: imap, host: imap.full.example, security: tls }]
    outgoing: [{ type: smtp, host: smtp.full.example, security: starttls }]
    username: email
    help: { en: "Call 0800 123 for help.", fr: "Appelez le 0800 123." }
    webmail: https://webmail.full.example/
  - domain: local.example
    provider: { name: Local Mail }
    incoming: [{ type: pop3, host: pop.local.example, security: tls }]
    outgoing:
      - { type: smtp, host: smtp.local.example, security: tls }
      - { type: smtp, host: smtp.local.example, security: starttls, username: email, auth: [password-encrypted, password-cleartext] }
    username: localpart
  - domain: template.example
    provider: { name: Template Mail }
    incoming: [{ type: imap, host: mail.template.example, port: 143, security: starttls }]
    outgoing: [{ type: smtp, host: mail.template.example, security: tls }]
    username: "%EMAILLOCALPART%.%EMAILDOMAIN%"
`;

const snapshot = new Snapshot(loadInline({ 'policies.yaml': POLICIES_YAML }));

function page(email: string, lang: Language) {
  const answer = answerSettingsPage(snapshot, { email, lang, acceptLanguage: undefined, host: undefined });
  return { status: answer.status, body: answer.body.toString('utf8'), headers: answer.headers };
}

const msg = (language: Language, key: keyof (typeof CATALOGS)['en']) => escapeHtml(CATALOGS[language][key]);

const CASES = [
  ['alice@full.example', 'email', 'alice@full.example'],
  ['alice@local.example', 'localpart', 'alice'],
  ['alice@template.example', 'template', 'alice.template.example'],
] as const;

describe.each(LANGUAGES)('settings page in %s', (language) => {
  it.each(CASES)('for %s states the %s rule and the exact login', (email, policy, login) => {
    const { status, body, headers } = page(email, language);
    expect(status).toBe(200);
    expect(headers['Content-Language']).toBe(language);
    expect(body).toContain(`<html lang="${language}"`);
    expect(body).toContain(`<p class="login-rule">${msg(language, `login.${policy}`)}</p>`);
    expect(body).toContain(`<code class="value" id="login">${login}</code>`);
    expect(body).toContain(`<h1>${msg(language, 'settings.heading')}</h1>`);
    expect(body.match(/<h1[ >]/g)).toHaveLength(1);
    // A key that fell through untranslated would show up as its dotted name.
    expect(body).not.toMatch(/>\s*(login|field|security|auth|server|admin|apple|help)\.[a-zA-Z-]+\s*</);
  });

  it('names security and authentication in the words clients use', () => {
    const { body } = page('alice@local.example', language);
    expect(body).toContain(`<dd>${msg(language, 'security.tls')}</dd>`);
    expect(body).toContain(`<dd>${msg(language, 'security.starttls')}</dd>`);
    expect(body).toContain(
      `${msg(language, 'auth.password-encrypted')} ${msg(language, 'auth.or')} ${msg(language, 'auth.password-cleartext')}`,
    );
  });
});

describe('settings page content', () => {
  it('lists IMAP before POP3 whatever the config order, and marks the first server of a kind recommended', () => {
    const mixed = new Snapshot(
      loadInline({
        'mixed.yaml': `
domain: mixed.example
incoming:
  - { type: pop3, host: pop.mixed.example, security: tls }
  - { type: imap, host: imap.mixed.example, security: tls }
outgoing: [{ type: smtp, host: smtp.mixed.example, security: tls }]
`,
      }),
    );
    const body = answerSettingsPage(mixed, {
      email: 'a@mixed.example',
      lang: 'en',
      acceptLanguage: undefined,
      host: undefined,
    }).body.toString();
    expect(body.indexOf('imap.mixed.example')).toBeLessThan(body.indexOf('pop.mixed.example'));
    expect(body).toMatch(/id="in0-host">imap\.mixed\.example</);
    expect(body).toMatch(/id="in0-title">\s*IMAP <span class="badge badge-recommended">/);
  });

  it('shows per-server usernames and says so when a server overrides the rule', () => {
    const { body } = page('alice@local.example', 'en');
    expect(body).toContain('id="out0-user">alice<');
    expect(body).toContain('id="out1-user">alice@local.example<');
    expect(body).toContain(msg('en', 'login.perServer'));
    expect(page('alice@full.example', 'en').body).not.toContain(msg('en', 'login.perServer'));
  });

  it('links the Apple profile and its QR code only for domains with IMAP', () => {
    const imap = page('alice@full.example', 'de').body;
    expect(imap).toContain('href="/mobileconfig?emailaddress=alice%40full.example"');
    expect(imap).toContain('src="/mobileconfig/qr.svg?emailaddress=alice%40full.example"');
    expect(page('alice@local.example', 'de').body).not.toContain('/mobileconfig');
  });

  it('shows help text in the chosen language, falling back to English, and the webmail link', () => {
    expect(page('alice@full.example', 'fr').body).toContain('Appelez le 0800 123.');
    expect(page('alice@full.example', 'it').body).toContain('Call 0800 123 for help.');
    expect(page('alice@full.example', 'it').body).toContain('href="https://webmail.full.example/"');
    expect(page('alice@local.example', 'it').body).not.toContain('help-title');
  });

  it('keeps the address in the language links and the chosen language in the form', () => {
    const { body } = page('alice@full.example', 'it');
    expect(body).toContain('href="?lang=de&amp;email=alice%40full.example" lang="de"');
    expect(body).toMatch(/lang="it"\s+hreflang="it"\s+aria-current="true"/);
  });

  it('gives the admin facts: autoconfig and Autodiscover URLs, SRV records, and the missing publicHost', () => {
    const { body } = page('alice@template.example', 'en');
    expect(body).toContain(
      'https://autoconfig.template.example/mail/config-v1.1.xml?emailaddress=alice%40template.example',
    );
    expect(body).toContain('https://autodiscover.template.example/autodiscover/autodiscover.xml');
    expect(body).toMatch(
      /_imap\._tcp\.template\.example\.<\/code><\/td>\s*<td>SRV<\/td>\s*<td><code>0 1 143 mail\.template\.example\.</,
    );
    expect(body).toMatch(/_submissions\._tcp\.template\.example\./);
    expect(body).toContain(msg('en', 'admin.noPublicHost'));
    expect(body).not.toContain('<td>CNAME</td>');
  });
});

describe('settings page golden files (example config)', () => {
  // The asset hash changes with every CSS edit; the page around it is what is reviewed here.
  const stable = (body: string) => body.replace(/(settings)\.[0-9a-f]{12}\.(css|js)/g, '$1.HASH.$2');

  it.each([
    ['alice@example.com', 'en'],
    ['alice@example.com', 'fr'],
    ['alice@example.com', 'de'],
    ['alice@example.com', 'it'],
    ['bob@example.net', 'en'],
  ] as const)('%s in %s', async (email, lang) => {
    const answer = answerSettingsPage(await exampleSnapshot(), {
      email,
      lang,
      acceptLanguage: undefined,
      host: undefined,
    });
    expect(answer.status).toBe(200);
    expectGolden(`${email.split('@')[1]}/settings-page.${lang}.html`, stable(answer.body.toString('utf8')));
  });

  it.each(['en', 'de'] as const)('the address form in %s', async (lang) => {
    const answer = answerSettingsPage(await exampleSnapshot(), {
      email: undefined,
      lang,
      acceptLanguage: undefined,
      host: 'autoconfig.example.com',
    });
    expectGolden(`pages/form.${lang}.html`, stable(answer.body.toString('utf8')));
  });
});
