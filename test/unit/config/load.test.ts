import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadCatalogDir, loadCatalogTexts } from '../../../src/catalog/load';
import { formatProblem } from '../../../src/config/problems';
import { configJsonSchema } from '../../../src/config/schema';
import { Snapshot } from '../../../src/catalog/snapshot';
import { EXAMPLE_CONFIG_DIR, loadInline, REPO_ROOT } from '../../helpers/example';

function problems(files: Record<string, string>): string[] {
  const result = loadCatalogTexts(Object.entries(files).map(([file, text]) => ({ file, text })));
  if (result.ok) return [];
  return result.errors.map(formatProblem);
}

const SERVERS = `
incoming:
  - { type: imap, host: imap.example.com, security: tls }
outgoing:
  - { type: smtp, host: smtp.example.com, security: starttls }
`;

describe('shipped config', () => {
  it('every YAML file under config/ validates', async () => {
    const result = await loadCatalogDir(EXAMPLE_CONFIG_DIR, { displayBase: REPO_ROOT });
    expect(result.ok ? [] : result.errors.map(formatProblem)).toEqual([]);
    expect(result.ok && result.config.files.length).toBeGreaterThan(0);
  });

  it('the published JSON Schema is up to date with the schema in code', () => {
    const published = JSON.parse(readFileSync(join(EXAMPLE_CONFIG_DIR, 'mail-autoconf.schema.json'), 'utf8'));
    expect(published).toEqual(configJsonSchema());
  });

  it('every shipped file names the schema for editors', () => {
    const yamlFiles = readdirSync(EXAMPLE_CONFIG_DIR, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.yaml'),
    );
    for (const file of yamlFiles) {
      expect([relative(REPO_ROOT, file), readFileSync(join(EXAMPLE_CONFIG_DIR, file), 'utf8')]).toEqual([
        relative(REPO_ROOT, file),
        expect.stringMatching(/^# yaml-language-server: \$schema=/),
      ]);
    }
  });
});

describe('resolving', () => {
  it('applies defaults: ports by type and security, auth, username = full address', () => {
    const config = loadInline({ 'a.yaml': `domain: Example.COM\n${SERVERS}` });
    const [domain] = config.domains;
    expect(domain?.domain).toBe('example.com');
    expect(domain?.provider).toEqual({ name: 'example.com', shortName: 'example.com' });
    expect(domain?.incoming[0]).toEqual({
      type: 'imap',
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      auth: ['password-cleartext'],
      username: '%EMAILADDRESS%',
    });
    expect(domain?.outgoing[0]?.port).toBe(587);
  });

  it('lets a domain extend a profile chain and override per server', () => {
    const config = loadInline({
      'p.yaml': `profiles:
  base:
    provider: { name: Base Mail, shortName: Base }
${SERVERS.replace(/^/gm, '    ')}
    username: localpart
  child: { extends: base, auth: [password-encrypted, password-cleartext] }
`,
      'd.yaml': `defaults: { extends: child }
domains:
  - one.example
  - domain: two.example
    provider: { name: Two Mail }
    outgoing:
      - { type: smtp, host: smtp.two.example, security: tls, username: "%EMAILLOCALPART%.%EMAILDOMAIN%" }
`,
    });
    const [one, two] = config.domains;
    expect(one?.provider).toEqual({ name: 'Base Mail', shortName: 'Base' });
    expect(one?.incoming[0]?.username).toBe('%EMAILLOCALPART%');
    expect(one?.incoming[0]?.auth).toEqual(['password-encrypted', 'password-cleartext']);
    expect(two?.provider).toEqual({ name: 'Two Mail', shortName: 'Base' });
    expect(two?.outgoing[0]).toMatchObject({
      host: 'smtp.two.example',
      port: 465,
      username: '%EMAILLOCALPART%.%EMAILDOMAIN%',
    });
    expect(two?.source).toEqual({ file: 'd.yaml', path: 'domains[1]' });
  });

  it('hands the DNS view it built for its warnings to the snapshot, so it is built once per load', () => {
    const config = loadInline({ 'a.yaml': `domain: example.com\n${SERVERS}` });
    expect(config.dns?.servedNames).toEqual(new Set(['example.com']));
    expect(new Snapshot(config).dns).toBe(config.dns);
  });

  it('normalises IDN domains and aliases to punycode', () => {
    const config = loadInline({
      'a.yaml': `domain: bücher.example\naliases: [BÜCHER.example.org]\n${SERVERS}`,
    });
    expect(config.domains[0]?.domain).toBe('xn--bcher-kva.example');
    expect(config.domains[0]?.aliases).toEqual(['xn--bcher-kva.example.org']);
  });
});

describe('errors name file:line:col, the path and the reason, all at once', () => {
  it('reports every schema error of a file', () => {
    expect(
      problems({
        'config/domains/example.com.yaml': `domain: example.com
incoming:
  - { type: imap, host: imap.example.com, security: tls }
  - type: imap
    host: imap.example.com
    port: 99999
    security: ssl
outgoing:
  - { host: smtp.example.com, securty: tls }
username: "%EMAILUSER%"
auth: [password-cleartext, kerberos]
`,
      }),
    ).toEqual([
      'config/domains/example.com.yaml:6:11 incoming[1].port: expected at most 65535, got 99999',
      'config/domains/example.com.yaml:7:15 incoming[1].security: expected "tls" | "starttls" | "none", got "ssl" (did you mean "tls"?)',
      'config/domains/example.com.yaml:9:5 outgoing[0].security: required: one of "tls" | "starttls" | "none"',
      'config/domains/example.com.yaml:9:31 outgoing[0].securty: unknown key (did you mean "security"?)',
      'config/domains/example.com.yaml:10:11 username: unknown placeholder %EMAILUSER%; use %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%',
      'config/domains/example.com.yaml:11:28 auth[1]: expected "password-cleartext" | "password-encrypted" | "OAuth2" | "NTLM" | "GSSAPI" | "client-IP-address" | "TLS-client-cert" | "smtp-after-pop" | "none", got "kerberos"',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problems({ 'a.yaml': 'domain: [unclosed\n' })).toEqual([
      expect.stringMatching(/^a\.yaml:2:1 .*\]/),
    ]);
  });

  it('reports duplicate keys', () => {
    expect(problems({ 'a.yaml': `domain: example.com\ndomain: example.org\n${SERVERS}` })[0]).toMatch(
      /^a\.yaml:2:1 `domain` appears twice in the same mapping: keep one$/,
    );
  });

  it('names both places of a domain defined twice, also through an alias or IDN spelling', () => {
    expect(
      problems({
        'a.yaml': `domain: xn--bcher-kva.example\n${SERVERS}`,
        'b.yaml': `domains:\n  - { domain: other.example, aliases: [Bücher.example] }\n`,
        'c.yaml': `domain: a.example\naliases: [other.example]\n${SERVERS}`,
      }),
    ).toEqual([
      'b.yaml:2:5 domains[0]: no incoming servers: set "incoming" here or in the profile it extends',
      'b.yaml:2:5 domains[0]: no outgoing servers: set "outgoing" here or in the profile it extends',
      'b.yaml:2:40 domains[0].aliases[0]: domain xn--bcher-kva.example is already defined at a.yaml:1:1',
      'c.yaml:2:11 aliases[0]: domain other.example is already defined at b.yaml:2:5',
    ]);
  });

  it('reports unknown profiles once at the defaults that name them, and cycles', () => {
    expect(
      problems({
        'a.yaml': `profiles:\n  a: { extends: b }\n  b: { extends: a }\ndefaults: { extends: nope }\ndomains: [one.example, two.example, { domain: three.example, extends: a }]\n`,
      }),
    ).toEqual([
      'a.yaml:4:22 defaults.extends: unknown profile "nope" (known: a, b)',
      'a.yaml:5:71 domains[2].extends: profiles extend each other in a cycle: a → b → a',
    ]);
  });

  it('names the first place of a profile or service block defined twice', () => {
    expect(
      problems({
        'a.yaml': 'service: { publicHost: a.example.net }\nprofiles:\n  p: { username: email }\n',
        'b.yaml': 'service: { publicHost: b.example.net }\nprofiles:\n  p: { username: email }\n',
      }),
    ).toEqual([
      'b.yaml:1:10 service: service settings are already defined at a.yaml:1:10',
      'b.yaml:3:6 profiles.p: profile "p" is already defined at a.yaml:3:6',
    ]);
  });

  it('requires an oauth2 block when a server Thunderbird knows no issuer for uses OAuth2', () => {
    expect(
      problems({ 'a.yaml': `domain: example.com\nauth: [OAuth2, password-cleartext]\n${SERVERS}` }),
    ).toEqual([
      'a.yaml:1:1 imap.example.com uses OAuth2 authentication, but Thunderbird does not know its issuer by host name: add an "oauth2" block (issuer, scope, authURL, tokenURL) or remove OAuth2 from its auth list',
    ]);
  });

  it('rejects URLs that are not http(s) and a top level that is not a mapping', () => {
    expect(
      problems({
        'a.yaml': `domain: example.com\nwebmail: ftp://mail.example.com/\n${SERVERS}`,
        'b.yaml': '- a\n- b\n',
      }),
    ).toEqual([
      'a.yaml:2:10 webmail: expected an https:// (or http://) URL with a public host name, got "ftp://mail.example.com/"',
      'b.yaml:1:1 expected a mapping with "domain:" or with "domains:", "profiles:", "service:"',
    ]);
  });

  it('reads anchors and aliases, and gives the same settings whichever YAML reader was used', () => {
    const profiles = `profiles:
  p:
    incoming: [{ type: imap, host: mail.example.net, security: tls }]
    outgoing: [&smtp { host: mail.example.net, security: starttls }]
  q:
    extends: p
    outgoing: [SMTP, { host: backup.example.net, security: tls }]
`;
    const domains = `defaults: { extends: p }
domains:
  - a.example
  - { domain: b.example, extends: q, username: localpart }
`;
    const withAlias = loadInline({ 'p.yaml': profiles.replace('SMTP', '*smtp'), 'd.yaml': domains });
    expect(withAlias.domains[1]?.outgoing.map((s) => [s.host, s.port, s.username])).toEqual([
      ['mail.example.net', 587, '%EMAILLOCALPART%'],
      ['backup.example.net', 465, '%EMAILLOCALPART%'],
    ]);
    // A '*' in a comment sends a file to the position-aware reader; the settings must not change.
    const inline = profiles.replace('SMTP', '{ host: mail.example.net, security: starttls }');
    const fast = loadInline({ 'p.yaml': inline, 'd.yaml': domains });
    const slow = loadInline({ 'p.yaml': `${inline}# *\n`, 'd.yaml': `${domains}# *\n` });
    expect(slow.domains).toEqual(fast.domains);
    expect(fast.domains).toEqual(withAlias.domains);
  });

  it('refuses YAML alias bombs instead of expanding them', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    expect(problems({ 'a.yaml': bomb.join('\n') })[0]).toMatch(
      /^a\.yaml:1:1 cannot read the document: .*alias/i,
    );
  });
});

describe('warnings', () => {
  it('warns about plain-text servers and TLS on STARTTLS ports without failing the load', () => {
    const config = loadInline({
      'a.yaml': `domain: example.com
incoming:
  - { type: imap, host: imap.example.com, security: none }
outgoing:
  - { type: smtp, host: smtp.example.com, port: 587, security: tls }
`,
      's.yaml':
        'service: { hostAddresses: { imap.example.com: [192.0.2.1], smtp.example.com: [192.0.2.2] } }\n',
    });
    expect(config.warnings.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^a\.yaml:3:53 warning: incoming\[0\]\.security: security "none" sends passwords in clear text/,
      ),
      expect.stringMatching(/^a\.yaml:5:49 warning: outgoing\[0\]\.port: implicit TLS on port 587/),
    ]);
  });
});

describe('warning limit', () => {
  it('locates at most warningLimit warnings and counts the rest', () => {
    const text = `domain: example.com
incoming:
  - { type: imap, host: imap.provider.example, security: none }
  - { type: pop3, host: pop.provider.example, security: none }
outgoing:
  - { type: smtp, host: smtp.provider.example, port: 587, security: tls }
`;
    const all = loadCatalogTexts([{ file: 'a.yaml', text }]);
    const limited = loadCatalogTexts([{ file: 'a.yaml', text }], { baseDir: '.', warningLimit: 1 });
    if (!all.ok || !limited.ok) throw new Error('config should load');
    expect(all.config.warnings).toHaveLength(3);
    expect(all.config.warningsNotShown).toBe(0);
    expect(limited.config.warnings).toEqual([all.config.warnings[0]]);
    expect(limited.config.warningsNotShown).toBe(2);
  });
});
