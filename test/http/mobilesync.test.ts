import request from 'supertest';
import { createApp } from '../../src/http/app';
import { exampleSnapshot, FIXED_NOW, poxBody } from '../helpers/example';
import { expectGolden } from '../helpers/golden';
import { AutodiscoverXsd, validateAutoconfig } from '../helpers/xmllint';

const MOBILESYNC_REQUEST = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
const MOBILESYNC_RESPONSE =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

let app: ReturnType<typeof createApp>;
let xsd: AutodiscoverXsd;

beforeAll(async () => {
  const snapshot = await exampleSnapshot();
  app = createApp({ snapshot: () => snapshot, now: () => FIXED_NOW });
  xsd = new AutodiscoverXsd();
});
afterAll(() => xsd.remove());

async function mobilesync(body: string): Promise<string> {
  const res = await request(app)
    .post('/autodiscover/autodiscover.xml')
    .set('Content-Type', 'text/xml')
    .send(body)
    .expect(200);
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  return res.text;
}

describe('ActiveSync (mobilesync) Autodiscover, checked against the MS-ASCMD schemas', () => {
  it('with an ActiveSync server: the MobileSync settings, valid by the §6.4 schema', async () => {
    const xml = await mobilesync(poxBody('alice@example.com', MOBILESYNC_RESPONSE, MOBILESYNC_REQUEST));
    expectGolden('example.com/mobilesync.xml', xml);
    expect(xsd.validate(xml)).toEqual({ ok: true, output: '- validates\n' });
    expect(xml).toContain('<Url>https://mail.example.com/Microsoft-Server-ActiveSync</Url>');
    expect(xml).not.toContain('outlook/responseschema');
  });

  it('without one: error 601 in the schema-valid form, never an Outlook settings body', async () => {
    const xml = await mobilesync(poxBody('bob@example.net', MOBILESYNC_RESPONSE, MOBILESYNC_REQUEST));
    expectGolden('errors/mobilesync-601.xml', xml);
    expect(xsd.validate(xml).ok).toBe(true);
    expect(xml).not.toMatch(/outlook|<Protocol>|LoginName/);
  });

  it.each([
    ['unknown domain (500)', poxBody('alice@unknown.example', MOBILESYNC_RESPONSE, MOBILESYNC_REQUEST)],
    ['invalid address (600)', poxBody('not-an-address', MOBILESYNC_RESPONSE, MOBILESYNC_REQUEST)],
    ['no Request (600)', `<Autodiscover xmlns="${MOBILESYNC_REQUEST}"/>`],
  ])('errors are schema-valid too: %s', async (_label, body) => {
    const xml = await mobilesync(body);
    expect(xml).toMatch(/<ErrorCode>(500|600)<\/ErrorCode>/);
    expect(xsd.validate(xml).ok).toBe(true);
  });

  it('the schema check is real: an Error inside the mobilesync Response is refused', () => {
    const wrong = `<?xml version="1.0"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="${MOBILESYNC_RESPONSE}"><Error><ErrorCode>601</ErrorCode></Error></Response>
</Autodiscover>`;
    expect(xsd.validate(wrong).ok).toBe(false);
  });
});

describe('autoconfig with CalDAV, CardDAV, webmail and OAuth2, checked against the draft RELAX NG schema', () => {
  it.each(['alice@example.com', 'bob@example.net'])('%s validates', async (address) => {
    const res = await request(app).get('/mail/config-v1.1.xml').query({ emailaddress: address }).expect(200);
    expect(validateAutoconfig(res.text)).toEqual({ ok: true, output: '- validates\n' });
  });

  it('puts addressBook, calendar, webMail and oAuth2 at clientConfig level, as §1.3 and the draft do', async () => {
    const res = await request(app).get('/mail/config-v1.1.xml?emailaddress=alice%40example.com');
    const provider = res.text.slice(res.text.indexOf('<emailProvider'), res.text.indexOf('</emailProvider>'));
    for (const element of ['<addressBook', '<calendar', '<webMail', '<oAuth2']) {
      expect(res.text).toContain(element);
      expect(provider).not.toContain(element);
    }
  });
});
