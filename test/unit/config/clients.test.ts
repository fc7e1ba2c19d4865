import { loadCatalogTexts } from '../../../src/catalog/load';
import { formatProblem } from '../../../src/config/problems';
import { makeTestPki, type TestPki } from '../../helpers/certificates';
import { runTool } from '../../helpers/system-tool';

const SERVERS = `
incoming:
  - { type: imap, host: imap.example.com, security: tls }
outgoing:
  - { type: smtp, host: smtp.example.com, security: starttls }
`;
const DOMAIN = `domain: example.com\n${SERVERS}`;

function load(files: Record<string, string>, baseDir = process.cwd()) {
  return loadCatalogTexts(
    Object.entries(files).map(([file, text]) => ({ file, text })),
    { baseDir, now: new Date() },
  );
}

function problems(files: Record<string, string>, baseDir?: string): string[] {
  const result = load(files, baseDir);
  return result.ok ? result.config.warnings.map(formatProblem) : result.errors.map(formatProblem);
}

describe('CalDAV, CardDAV, ActiveSync and OAuth2 settings', () => {
  it('requires the oauth2 block when CalDAV or CardDAV use OAuth2', () => {
    expect(
      problems({ 'a.yaml': `${DOMAIN}carddav: { url: https://dav.example.com/, auth: OAuth2 }\n` }),
    ).toEqual([
      'a.yaml:1:1 carddav uses OAuth2 authentication but no "oauth2" block (issuer, scope, authURL, tokenURL) is set',
    ]);
  });

  it('rejects non-https DAV and ActiveSync URLs and incomplete oauth2 blocks', () => {
    expect(
      problems({
        'a.yaml': `${DOMAIN}caldav: { url: http://dav.example.com/ }
activeSync: { url: ftp://eas.example.com/ }
oauth2: { issuer: login.example.com, scope: IMAP }
`,
      }),
    ).toEqual([
      'a.yaml:7:16 caldav.url: expected an https:// URL with a public host name, got "http://dav.example.com/"',
      'a.yaml:8:20 activeSync.url: expected an https:// URL with a public host name, got "ftp://eas.example.com/"',
      'a.yaml:9:9 oauth2.authURL: required',
      'a.yaml:9:9 oauth2.tokenURL: required',
    ]);
  });

  it('has no place for a password anywhere, so none can reach a client', () => {
    expect(
      problems({
        'a.yaml': `domain: example.com
password: secret
incoming:
  - { type: imap, host: imap.example.com, security: tls, password: secret }
outgoing:
  - { host: smtp.example.com, security: tls }
carddav: { url: https://dav.example.com/, password: secret }
`,
      }).map((line) => line.replace(/ \(did you mean.*\)$/, '')),
    ).toEqual([
      'a.yaml:2:1 password: unknown key',
      'a.yaml:4:58 incoming[0].password: unknown key',
      'a.yaml:7:43 carddav.password: unknown key',
    ]);
  });
});

describe('service.signing', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki('rsa');
  });
  afterAll(() => pki.remove());

  const service = (signing: string) => ({
    'service.yaml': `service:\n  signing:\n${signing}`,
    'd.yaml': DOMAIN,
  });

  it('reads certificate, key and chain relative to the config directory at load time', () => {
    const result = load(
      service('    certificate: signer.pem\n    key: signer.key\n    chain: intermediate.pem\n'),
      pki.dir,
    );
    expect(result.ok && result.config.signer?.subject).toBe('CN=autoconfig.example.com');
  });

  it('names the place and the reason of every signing problem', () => {
    expect(problems(service('    certificate: missing.pem\n    key: signer.key\n'), pki.dir)).toEqual([
      'service.yaml:3:18 service.signing.certificate: cannot read missing.pem (ENOENT)',
    ]);
    expect(problems(service('    certificate: signer.pem\n    key: other.key\n'), pki.dir)).toEqual([
      'service.yaml:4:10 service.signing.key: the key does not belong to the certificate CN=autoconfig.example.com',
    ]);
    expect(problems(service('    certificate: signer.key\n    key: signer.key\n'), pki.dir)).toEqual([
      'service.yaml:3:18 service.signing.certificate: no PEM certificate (-----BEGIN CERTIFICATE-----) found',
    ]);
    expect(problems(service('    certificate: signer.pem\n    key: signer.pem\n'), pki.dir)).toEqual([
      'service.yaml:4:10 service.signing.key: no readable PEM private key found',
    ]);
    expect(problems(service('    certificate: signer.pem\n'), pki.dir)).toEqual([
      'service.yaml:3:5 service.signing.key: required',
    ]);
  });

  it('refuses an encrypted key with a clear message', () => {
    runTool(
      'openssl',
      ['pkey', '-in', 'signer.key', '-aes256', '-passout', 'pass:secret', '-out', 'encrypted.key'],
      { cwd: pki.dir },
    );
    expect(problems(service('    certificate: signer.pem\n    key: encrypted.key\n'), pki.dir)).toEqual([
      'service.yaml:4:10 service.signing.key: the private key is encrypted; give an unencrypted PEM key',
    ]);
  });
});
