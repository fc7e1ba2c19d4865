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

describe('parsePoxRequest: elements by namespace and local name, text as XML means it', () => {
  const REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
  const read = (address: string) => ({
    ok: true,
    request: { emailAddress: address, responseSchema: 'outlook' },
  });
  const refused = (reason: string, schema = 'outlook') => ({ ok: false, code: 600, reason, schema });

  it('takes a prefix bound to the request namespace as ours, wherever it is declared', () => {
    const prefixedChildren = poxBody('alice@example.com')
      .replace('<Autodiscover ', `<Autodiscover xmlns:r="${REQUEST_NS}" `)
      .replace(/<(\/?)(Request|EMailAddress|AcceptableResponseSchema)>/g, '<$1r:$2>');
    expect(prefixedChildren).toContain('<r:EMailAddress>');
    expect(parsePoxRequest(prefixedChildren)).toEqual(read('alice@example.com'));

    const declaredOnRequest = poxBody('alice@example.com')
      .replace('<Request>', `<q:Request xmlns:q="${REQUEST_NS}">`)
      .replace('</Request>', '</q:Request>')
      .replace(/<(\/?)(EMailAddress|AcceptableResponseSchema)>/g, '<$1q:$2>');
    expect(parsePoxRequest(declaredOnRequest)).toEqual(read('alice@example.com'));
  });

  it('ignores elements and attributes named after object properties', () => {
    const body = poxBody('alice@example.com').replace(
      '<Request>',
      '<Request xmlns:p="urn:other" p:__proto__="1" p:constructor="2"><__proto__ constructor="1"/>',
    );
    expect(parsePoxRequest(body)).toEqual(read('alice@example.com'));
  });

  it('ignores an element of the same local name in a foreign namespace', () => {
    const beside = poxBody('alice@example.com').replace(
      '<Request>',
      '<Request><EMailAddress xmlns="urn:other">mallory@example.com</EMailAddress>' +
        '<o:LegacyDN xmlns:o="urn:other">/o=Org/cn=mallory</o:LegacyDN>',
    );
    expect(parsePoxRequest(beside)).toEqual(read('alice@example.com'));
  });

  it.each([
    [
      'an address only in a foreign default namespace',
      poxBody('alice@example.com').replace('<EMailAddress>', '<EMailAddress xmlns="urn:other">'),
      'expected exactly one EMailAddress',
    ],
    [
      'an address only under a foreign prefix',
      poxBody('alice@example.com')
        .replace('<EMailAddress>', '<o:EMailAddress xmlns:o="urn:other">')
        .replace('</EMailAddress>', '</o:EMailAddress>'),
      'expected exactly one EMailAddress',
    ],
    [
      'a Request in a foreign namespace',
      poxBody('alice@example.com').replace('<Request>', '<Request xmlns="urn:other">'),
      'expected exactly one Request element',
    ],
    [
      'an Autodiscover root in no namespace with children in the request namespace',
      poxBody('alice@example.com')
        .replace(/ xmlns="[^"]*"/, '')
        .replace('<Request>', `<Request xmlns="${REQUEST_NS}">`),
      'Autodiscover is not in a request namespace',
    ],
  ])('refuses %s with 600', (_label, body, reason) => {
    expect(parsePoxRequest(body)).toEqual(refused(reason));
  });

  it('keeps the mobilesync error form when a mobilesync request puts its Request in the Outlook namespace', () => {
    const body = poxBody('alice@example.com', MOBILESYNC_RESPONSE, MOBILESYNC_REQUEST).replace(
      '<Request>',
      `<Request xmlns="${REQUEST_NS}">`,
    );
    expect(parsePoxRequest(body)).toEqual(refused('expected exactly one Request element', 'mobilesync'));
  });

  it('expands the predefined entities and character references', () => {
    expect(parsePoxRequest(poxBody('&#97;li&#x63;e@example.com'))).toEqual(read('alice@example.com'));
    expect(parsePoxRequest(poxBody('o&apos;hara&amp;co@example.com'))).toEqual(read("o'hara&co@example.com"));
  });

  it.each([
    ['an undefined entity', '&foo;@example.com'],
    ['an HTML entity', 'alice&nbsp;@example.com'],
    ['an entity named after an object property', '&__proto__;@example.com'],
    ['an entity named constructor', '&constructor;@example.com'],
    ['a reference to character 0', '&#0;@example.com'],
    ['a reference beyond Unicode', '&#x110000;@example.com'],
    ['a bare ampersand', 'a&b@example.com'],
  ])('refuses %s as not well-formed (600), without throwing', (_label, address) => {
    expect(parsePoxRequest(poxBody(address))).toEqual(refused('body is not well-formed XML'));
  });

  it.each([
    ['an unbound prefix', poxBody('alice@example.com').replace('<Request>', '<Request><q:x/>')],
    [
      'one attribute twice under two prefixes of one namespace',
      poxBody('alice@example.com').replace('<Request>', '<Request xmlns:p="u" xmlns:q="u" p:a="1" q:a="2">'),
    ],
    ['a < in an attribute value', poxBody('alice@example.com').replace('<Request>', '<Request a="<">')],
    ['a second root element', `${poxBody('alice@example.com')}<Autodiscover/>`],
    [
      'an unbound prefix named __proto__',
      poxBody('alice@example.com').replace('<Request>', '<Request><__proto__:x/>'),
    ],
    [
      'an unbound prefix named constructor',
      poxBody('alice@example.com').replace('<Request>', '<Request><constructor:x/>'),
    ],
  ])('refuses %s as not well-formed (600)', (_label, body) => {
    expect(parsePoxRequest(body)).toEqual(refused('body is not well-formed XML'));
  });

  it('reads an address in CDATA, or split into text, CDATA and comments', () => {
    expect(parsePoxRequest(poxBody('<![CDATA[alice@example.com]]>'))).toEqual(read('alice@example.com'));
    expect(parsePoxRequest(poxBody(' ali<![CDATA[ce]]><!-- x -->@example<?pi x?>.com '))).toEqual(
      read('alice@example.com'),
    );
  });

  it('trims whitespace around the address and the response schema', () => {
    const body = poxBody('\n\t  alice@example.com \r\n  ', `\n      ${OUTLOOK_RESPONSE}\n    `);
    expect(parsePoxRequest(body)).toEqual(read('alice@example.com'));
    expect(parsePoxRequest(poxBody('<![CDATA[  alice@example.com  ]]>'))).toEqual(read('alice@example.com'));
  });

  it('takes an AcceptableResponseSchema with child elements as no schema it supports', () => {
    expect(parsePoxRequest(poxBody('alice@example.com', `<x>${OUTLOOK_RESPONSE}</x>`))).toMatchObject({
      ok: true,
      request: { responseSchema: 'unsupported' },
    });
  });

  it('reads a good request correctly right after bodies that failed at every stage of the parse', () => {
    const good = poxBody('alice@example.com');
    for (const bad of [
      good.slice(0, 150), // ends inside an element: fails when the parser is closed
      good.replace('</Request>', '</Requst>'), // fails in the middle
      poxBody('&foo;'),
      `${good}<x/>`,
    ]) {
      expect(parsePoxRequest(bad)).toMatchObject({ ok: false, code: 600 });
      expect(parsePoxRequest(good)).toEqual(read('alice@example.com'));
    }
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
