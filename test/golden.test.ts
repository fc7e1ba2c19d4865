import { render, type RenderFormat } from './helpers/render';
import { expectGolden } from './helpers/golden';

/**
 * Golden files: the exact bytes each example domain gets in each format. They were reviewed by eye
 * against protocols.md (§1.7 autoconfig, §2.4 POX, §2.6/§2.7 errors); a change to any byte shows up
 * here as a diff to review.
 */
const CASES: [string, string, RenderFormat][] = [
  ['example.com', 'alice@example.com', 'autoconfig'],
  ['example.com', 'alice@example.com', 'autodiscover'],
  ['example.com', 'alice@example.com', 'mobilesync'],
  ['example.net', 'bob@example.net', 'autoconfig'],
  ['example.net', 'bob@example.net', 'autodiscover'],
];

describe('golden files', () => {
  it.each(CASES)('%s: %s as %s', async (domain, address, format) => {
    const answer = await render(address, format);
    expectGolden(`${domain}/${format}.xml`, answer.body);
  });

  it('an alias gets the same autoconfig document as its domain', async () => {
    expect((await render('carol@example.org', 'autoconfig')).body).toEqual(
      (await render('alice@example.com', 'autoconfig')).body,
    );
  });

  it('errors: unknown domain (500), invalid request (600), unsupported schema (601)', async () => {
    expectGolden('errors/autodiscover-500.xml', (await render('alice@unknown.example', 'autodiscover')).body);
    expectGolden('errors/autodiscover-600.xml', (await render('', 'autodiscover-raw')).body);
    expectGolden('errors/mobilesync-601.xml', (await render('alice@example.com', 'mobilesync')).body);
  });
});
