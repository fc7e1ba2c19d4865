import { parsePoxRequest } from '../../../src/protocols/pox-request';
import { poxBody } from '../../helpers/example';

const OUTLOOK_RESPONSE = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MOBILESYNC_REQUEST = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
const MOBILESYNC_RESPONSE =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

describe('parsePoxRequest', () => {
  it('reads the address and the wanted response schema of an Outlook request', () => {
    expect(parsePoxRequest(poxBody('alice@example.com'))).toEqual({
      ok: true,
      request: { emailAddress: 'alice@example.com', responseSchema: 'outlook' },
    });
  });

  it('reads a mobilesync request', () => {
    expect(parsePoxRequest(poxBody('alice@example.com', MOBILESYNC_RESPONSE, MOBILESYNC_REQUEST))).toEqual({
      ok: true,
      request: { emailAddress: 'alice@example.com', responseSchema: 'mobilesync' },
    });
  });

  it('accepts the https spelling of the namespaces that some Microsoft pages print', () => {
    const body = poxBody('alice@example.com').replace(/http:\/\/schemas/g, 'https://schemas');
    expect(parsePoxRequest(body)).toMatchObject({ ok: true, request: { responseSchema: 'outlook' } });
  });

  it('accepts a prefixed namespace and surrounding whitespace, comments and a BOM', () => {
    const body = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<!-- from a client -->
<a:Autodiscover xmlns:a="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <a:Request>
    <a:EMailAddress>
      alice@example.com
    </a:EMailAddress>
    <a:AcceptableResponseSchema>${OUTLOOK_RESPONSE}</a:AcceptableResponseSchema>
  </a:Request>
</a:Autodiscover>`;
    expect(parsePoxRequest(Buffer.from(body))).toEqual({
      ok: true,
      request: { emailAddress: 'alice@example.com', responseSchema: 'outlook' },
    });
  });

  it('treats a missing AcceptableResponseSchema as the request schema’s own response', () => {
    const body = poxBody('alice@example.com').replace(
      /<AcceptableResponseSchema>.*<\/AcceptableResponseSchema>/,
      '',
    );
    expect(parsePoxRequest(body)).toMatchObject({ ok: true, request: { responseSchema: 'outlook' } });
  });

  it('marks other response schemas unsupported (answered with 601)', () => {
    expect(parsePoxRequest(poxBody('alice@example.com', 'urn:other'))).toMatchObject({
      ok: true,
      request: { responseSchema: 'unsupported' },
    });
  });

  it('answers LegacyDN requests with 500, as MS-OXDSCLI requires when it cannot be resolved', () => {
    const body = poxBody('alice@example.com').replace(
      '<Request>',
      '<Request><LegacyDN>/o=Org/cn=alice</LegacyDN>',
    );
    expect(parsePoxRequest(body)).toMatchObject({ ok: false, code: 500 });
  });

  it.each([
    ['a UTF-16 declaration', poxBody('a@example.com').replace('utf-8', 'UTF-16')],
    ['an element with children as the address', poxBody('<x>a@example.com</x>')],
    [
      'two Request elements',
      poxBody('a@example.com').replace('</Autodiscover>', '<Request/></Autodiscover>'),
    ],
    ['an empty address', poxBody('')],
    ['too many elements', poxBody('a@example.com').replace('<Request>', `<Request>${'<x/>'.repeat(200)}`)],
    ['no namespace', poxBody('a@example.com').replace(/ xmlns="[^"]*"/, '')],
    [
      'two AcceptableResponseSchema',
      poxBody('a@example.com').replace(
        '</Request>',
        `<AcceptableResponseSchema>${OUTLOOK_RESPONSE}</AcceptableResponseSchema></Request>`,
      ),
    ],
  ])('rejects %s with 600', (_label, body) => {
    expect(parsePoxRequest(body)).toMatchObject({ ok: false, code: 600 });
  });

  it('keeps the mobilesync error form for a broken mobilesync request', () => {
    const body = poxBody('', MOBILESYNC_RESPONSE, MOBILESYNC_REQUEST);
    expect(parsePoxRequest(body)).toMatchObject({ ok: false, code: 600, schema: 'mobilesync' });
  });
});
