import { render, type RenderFormat } from '../../helpers/render';
import { expectGolden } from '../../helpers/golden';

/**
 * Golden files: the exact bytes each example domain gets in each format. They were reviewed by eye
 * against protocols.md (§1.7 autoconfig, §2.4 POX, §2.6/§2.7 errors, §2.8 v2 JSON, §4.5 profile); a
 * change to any byte shows up here as a diff to review.
 */
const FORMATS: [RenderFormat, string][] = [
  ['autoconfig', 'autoconfig.xml'],
  ['autodiscover', 'autodiscover.xml'],
  ['autodiscover-json', 'autodiscover-v1.json'],
  ['mobileconfig', 'profile.mobileconfig'],
];
const EXAMPLES: [string, string][] = [
  ['example.com', 'alice@example.com'],
  ['example.net', 'bob@example.net'],
];
const CASES: [string, string, RenderFormat, string][] = [
  ...EXAMPLES.flatMap(([domain, address]) =>
    FORMATS.map(([format, file]): [string, string, RenderFormat, string] => [domain, address, format, file]),
  ),
  // Only example.com has an ActiveSync server; example.net's answers are the errors below.
  ['example.com', 'alice@example.com', 'mobilesync', 'mobilesync.xml'],
  ['example.com', 'alice@example.com', 'autodiscover-json-activesync', 'autodiscover-activesync.json'],
];

describe('golden files', () => {
  it.each(CASES)('%s: %s as %s', async (domain, address, format, file) => {
    const answer = await render(address, format);
    expect(answer.status).toBe(200);
    expectGolden(`${domain}/${file}`, answer.body);
  });

  it('an alias gets the same autoconfig document as its domain', async () => {
    expect((await render('carol@example.org', 'autoconfig')).body).toEqual(
      (await render('alice@example.com', 'autoconfig')).body,
    );
  });

  it('errors: unknown domain (500), invalid request (600), unsupported schema (601)', async () => {
    expectGolden('errors/autodiscover-500.xml', (await render('alice@unknown.example', 'autodiscover')).body);
    expectGolden('errors/autodiscover-600.xml', (await render('', 'autodiscover-raw')).body);
    expectGolden('errors/mobilesync-601.xml', (await render('bob@example.net', 'mobilesync')).body);
  });

  it('errors: Autodiscover v2 for a protocol the domain lacks (400)', async () => {
    const answer = await render('bob@example.net', 'autodiscover-json-activesync');
    expect(answer.status).toBe(400);
    expectGolden('errors/autodiscover-json-invalid-protocol.json', answer.body);
  });
});
