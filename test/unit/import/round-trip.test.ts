import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigTexts } from '../../../src/config/load';
import { formatProblem } from '../../../src/config/problems';
import { parseEmailAddress } from '../../../src/core/address';
import { importClientConfig } from '../../../src/import/import-file';
import { answerAutoconfig } from '../../../src/endpoints/autoconfig';
import { Snapshot } from '../../../src/catalog/snapshot';
import { autoconfigMeaning } from '../../helpers/autoconfig-meaning';
import { REPO_ROOT } from '../../helpers/example';
import { validateAutoconfig } from '../../helpers/xmllint';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'ispdb');
const WHOLE = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.xml') && name !== 'lossy.example.xml')
  .sort();

function importOne(name: string) {
  const result = importClientConfig(readFileSync(join(FIXTURES, name), 'utf8'), name);
  if (!result.ok) throw new Error(`${name}:${result.line}: ${result.message}`);
  expect(result.providers).toHaveLength(1);
  return result.providers[0]!;
}

/** What `render <address> --format autoconfig` sends for the imported YAML. */
function rendered(yaml: string, address: string): string {
  const loaded = loadConfigTexts([{ file: 'imported.yaml', text: yaml }]);
  if (!loaded.ok) throw new Error(loaded.errors.map(formatProblem).join('\n'));
  const answer = answerAutoconfig(new Snapshot(loaded.config), { emailaddress: address, host: undefined });
  expect(answer.status).toBe(200);
  return answer.body.toString('utf8');
}

describe('import -> validate -> render autoconfig means the same as the file (every fixture)', () => {
  it('has a fixture for every row of the ISPDB table and the common shapes', () => {
    expect(WHOLE.length).toBeGreaterThanOrEqual(10);
  });

  it.each(WHOLE)('%s', (name) => {
    const xml = readFileSync(join(FIXTURES, name), 'utf8');
    const provider = importOne(name);
    expect(provider.losses).toEqual([]);
    expect(provider.invalid).toEqual([]);
    // Every name of the provider, so templated hosts are compared as each domain's client sees them.
    const domains = (autoconfigMeaning(xml, 'x.invalid') as { domains: string[] }).domains;
    for (const domain of domains) {
      const address = `someone@${domain}`;
      expect(parseEmailAddress(address).ok).toBe(true);
      const out = rendered(provider.yaml, address);
      expect(autoconfigMeaning(out, domain)).toEqual(autoconfigMeaning(xml, domain));
    }
  });

  it.each(WHOLE)('%s: what we render is valid against the autoconfig RELAX NG schema', (name) => {
    const provider = importOne(name);
    const domain = (
      autoconfigMeaning(readFileSync(join(FIXTURES, name), 'utf8'), 'x') as { domains: string[] }
    ).domains[0];
    const verdict = validateAutoconfig(rendered(provider.yaml, `someone@${domain}`));
    expect(verdict.output).not.toMatch(/fails to validate/);
    expect(verdict.ok).toBe(true);
  });
});

describe('import reports what it cannot carry over', () => {
  it('names every lost element with its line, and keeps the rest', () => {
    const provider = importOne('lossy.example.xml');
    expect(provider.losses.map((loss) => `${loss.line} ${loss.element}`)).toEqual([
      '5 <domain>',
      '11 <socketType>',
      '14 <password>',
      '16 <incomingServer type="nntp">',
      '30 <inputField>',
      '32 <clientConfigUpdate>',
    ]);
    expect(provider.invalid).toEqual([]);
    const xml = readFileSync(join(FIXTURES, 'lossy.example.xml'), 'utf8');
    const ours = autoconfigMeaning(rendered(provider.yaml, 'a@lossy.example'), 'lossy.example') as Record<
      string,
      unknown
    >;
    const theirs = autoconfigMeaning(xml, 'lossy.example', { drop: ['nntp'] }) as Record<string, unknown>;
    expect(ours.incoming).toEqual(theirs.incoming);
    expect(ours.outgoing).toEqual(theirs.outgoing);
    expect(ours.domains).toEqual(theirs.domains);
  });

  it('leaves out OAuth2 that names no issuer Thunderbird knows, saying so, so the YAML still validates', () => {
    const server = (host: string, auth: string[]) =>
      `<incomingServer type="imap"><hostname>${host}</hostname><port>993</port><socketType>SSL</socketType>${auth
        .map((a) => `<authentication>${a}</authentication>`)
        .join('')}<username>%EMAILADDRESS%</username></incomingServer>\n`;
    const xml =
      '<clientConfig version="1.1"><emailProvider id="u.example"><domain>u.example</domain>\n' +
      server('imap.u.example', ['OAuth2', 'password-cleartext']) +
      server('imap2.u.example', ['OAuth2']) +
      server('imap.gmail.com', ['OAuth2']) +
      '<outgoingServer type="smtp"><hostname>smtp.u.example</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>\n' +
      '</emailProvider></clientConfig>';
    const result = importClientConfig(xml, 'u.xml');
    if (!result.ok) throw new Error(result.message);
    const [provider] = result.providers;
    expect(provider?.losses.map((loss) => `${loss.line}: ${loss.reason}`)).toEqual([
      '2: OAuth2 on imap.u.example, whose issuer Thunderbird does not know, without an <oAuth2> block names no issuer: the method is left out',
      '3: OAuth2 on imap2.u.example, whose issuer Thunderbird does not know, without an <oAuth2> block names no issuer: the server is left out',
    ]);
    expect(provider?.invalid).toEqual([]);
    expect(provider?.yaml).toContain('host: imap.gmail.com');
  });

  it.each([
    ['billion-laughs.xml', 2, /DTDs and entity declarations are not accepted/],
    ['external-entity.xml', 2, /DTDs and entity declarations are not accepted/],
    ['unclosed.xml', 4, /<\/clientConfig> closes <emailProvider> opened on line 2/],
  ])('refuses hostile or broken input cleanly: %s', (name, line, message) => {
    const result = importClientConfig(readFileSync(join(FIXTURES, 'hostile', name), 'utf8'), name);
    expect(result).toEqual({ ok: false, line, message: expect.stringMatching(message) });
  });

  it('refuses undefined entities, oversize files and deep nesting without a crash', () => {
    expect(importClientConfig('<clientConfig>&foo;</clientConfig>', 'a')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/unknown entity &foo;/),
    });
    expect(importClientConfig(`<clientConfig>${' '.repeat(1024 * 1024)}</clientConfig>`, 'a')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/larger than/),
    });
    expect(importClientConfig(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`, 'a')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/nested deeper/),
    });
    expect(importClientConfig('<notClientConfig/>', 'a')).toMatchObject({ ok: false });
    expect(importClientConfig('', 'a')).toMatchObject({ ok: false, message: 'no root element' });
  });
});
