import { parsePoxRequest } from '../../../src/protocols/pox-request';
import { poxBody } from '../../helpers/example';
import { expensivePoxBodies } from '../../helpers/hostile-pox';

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

  it('probe: answers a request without AcceptableResponseSchema with 600, in its own schema’s form', () => {
    const without = (body: string) =>
      body.replace(/<AcceptableResponseSchema>.*<\/AcceptableResponseSchema>/, '');
    expect(parsePoxRequest(without(poxBody('alice@example.com')))).toEqual({
      ok: false,
      code: 600,
      reason: 'AcceptableResponseSchema is missing',
      schema: 'outlook',
    });
    expect(
      parsePoxRequest(without(poxBody('alice@example.com', MOBILESYNC_RESPONSE, MOBILESYNC_REQUEST))),
    ).toMatchObject({ ok: false, code: 600, schema: 'mobilesync' });
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

describe('security review #5: the shape of a POX body is bounded before it is parsed', () => {
  const NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';

  it.each([
    [
      'thousands of attributes',
      poxBody('bob@example.net').replace(
        'requestschema/2006"',
        `requestschema/2006"${Array.from({ length: 2300 }, (_, i) => ` a${i}=""`).join('')}`,
      ),
      'body longer than any real request',
    ],
    [
      '33 attributes',
      poxBody('bob@example.net').replace(
        'requestschema/2006"',
        `requestschema/2006"${Array.from({ length: 32 }, (_, i) => ` a${i}=""`).join('')}`,
      ),
      'too many attributes',
    ],
    [
      'nine levels',
      poxBody('bob@example.net').replace('<Request>', `${'<a>'.repeat(8)}${'</a>'.repeat(8)}<Request>`),
      'elements nested too deeply',
    ],
    [
      'sixty-five elements',
      poxBody('bob@example.net').replace('<Request>', `${'<x/>'.repeat(61)}<Request>`),
      'too many elements',
    ],
    [
      '33 entity references',
      poxBody('bob@example.net').replace('<Request>', `<x>${'&amp;'.repeat(33)}</x><Request>`),
      'too many entity references',
    ],
    [
      'a body over 2 KiB',
      poxBody('bob@example.net').replace('<Request>', `<x>${' '.repeat(2048)}</x><Request>`),
      'body longer than any real request',
    ],
  ])('refuses %s with error 600', (_label, body, reason) => {
    expect(parsePoxRequest(body)).toEqual({ ok: false, code: 600, reason, schema: 'outlook' });
  });

  it('accepts what real clients send: namespace declarations, pretty printing, eight levels', () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <Request>
    <EMailAddress>a&amp;b@example.com</EMailAddress>
    <AcceptableResponseSchema>${OUTLOOK_RESPONSE}</AcceptableResponseSchema>
  </Request>
  <x><x><x><x><x><x><x/></x></x></x></x></x></x>
</Autodiscover>`;
    expect(parsePoxRequest(body)).toEqual({
      ok: true,
      request: { emailAddress: 'a&b@example.com', responseSchema: 'outlook' },
    });
  });

  it('attribute-like text inside values, comments and CDATA is not counted as attributes', () => {
    const body = poxBody('bob@example.net').replace(
      '<Request>',
      `<x y="${'a=b '.repeat(40)}"/><!-- ${'c=d '.repeat(40)} --><z><![CDATA[${'e=f '.repeat(40)}]]></z><Request>`,
    );
    expect(parsePoxRequest(body)).toMatchObject({ ok: true });
  });

  it('the worst 16 KiB body costs within 3x a real request to parse', () => {
    const normal = poxBody('bob@example.net');
    const hostile = expensivePoxBodies(16 * 1024);
    const median = (body: string): number => {
      const runs: number[] = [];
      for (let round = 0; round < 9; round++) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < 20; i++) parsePoxRequest(body);
        runs.push(Number(process.hrtime.bigint() - started));
      }
      return runs.sort((a, b) => a - b)[4] as number;
    };
    for (const body of [normal, ...Object.values(hostile)]) median(body); // compiled and warm
    const base = median(normal);
    for (const [shape, body] of Object.entries(hostile)) {
      expect([shape, median(body) / base < 3]).toEqual([shape, true]);
    }
  });
});
