import { domainToASCII } from 'node:url';
import fc from 'fast-check';
import { normalizeDomain, parseEmailAddress } from '../../../src/core/address';

describe('parseEmailAddress', () => {
  it('accepts a plain address and lower-cases only the domain', () => {
    expect(parseEmailAddress('Alice.Smith@Example.COM')).toEqual({
      ok: true,
      value: { localPart: 'Alice.Smith', domain: 'example.com', address: 'Alice.Smith@example.com' },
    });
  });

  it('converts an IDN domain to punycode', () => {
    const result = parseEmailAddress('anna@bücher.example');
    expect(result.ok && result.value.domain).toBe('xn--bcher-kva.example');
  });

  it.each([
    ['', 'empty address'],
    ['alice', 'address has no @'],
    ['a@b@example.com', 'address has more than one @'],
    ['@example.com', 'empty local part'],
    ['alice@', 'domain is not a valid host name'],
    ['.alice@example.com', 'local part has a leading, trailing or double dot'],
    ['al..ice@example.com', 'local part has a leading, trailing or double dot'],
    ['"a b"@example.com', 'local part has a character that is not allowed'],
    ['alice(x)@example.com', 'local part has a character that is not allowed'],
    ['Alice <alice@example.com>', 'local part has a character that is not allowed'],
    ['alice@[192.0.2.1]', 'address literals are not served'],
    ['alice@192.0.2.1', 'domain is not a valid host name'],
    ['alice@example', 'domain is not a valid host name'],
    ['alice@exa_mple.com', 'domain is not a valid host name'],
    ['alice@-example.com', 'domain is not a valid host name'],
    ['alice@example..com', 'domain is not a valid host name'],
    ['al\r\nice@example.com', 'local part has a character that is not allowed'],
    ['%EMAILDOMAIN%@example.com', 'local part has a character that is not allowed'],
    ['a&b@example.com', 'local part has a character that is not allowed'],
    ['a/b@example.com', 'local part has a character that is not allowed'],
    ['ä@example.com', 'local part has a character that is not allowed'],
    [`${'a'.repeat(65)}@example.com`, 'local part longer than 64 characters'],
    [`alice@${'a'.repeat(64)}.com`, 'domain is not a valid host name'],
  ])('rejects %j (%s)', (raw, reason) => {
    expect(parseEmailAddress(raw)).toEqual({ ok: false, reason });
  });

  it('rejects an address longer than 254 octets', () => {
    const domain = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.com`;
    expect(parseEmailAddress(`${'x'.repeat(10)}@${domain}`)).toEqual({
      ok: false,
      reason: 'address longer than 254 characters',
    });
  });
});

describe('normalizeDomain', () => {
  it('drops one trailing dot and lower-cases', () => {
    expect(normalizeDomain('Example.COM.')).toBe('example.com');
  });
  it('rejects single labels and empty labels', () => {
    expect(normalizeDomain('localhost')).toBeUndefined();
    expect(normalizeDomain('a..b')).toBeUndefined();
  });
});

/** The rules as first written, one label at a time: the one-expression version must agree. */
function domainByLabels(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > 1024) return undefined;
  let name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(name)) {
    name = domainToASCII(name);
    if (name === '') return undefined;
  }
  name = name.toLowerCase();
  if (name.length === 0 || name.length > 253) return undefined;
  const labels = name.split('.');
  if (labels.length < 2) return undefined;
  for (const label of labels)
    if (label.length === 0 || label.length > 63 || !/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(label))
      return undefined;
  if (/^[0-9.]+$/.test(name)) return undefined;
  return name;
}

describe('normalizeDomain agrees with the label-by-label rules', () => {
  const labelChars = fc.constantFrom(...'aZ9-._*é. '.split(''));
  const label = fc.oneof(
    fc.string({ unit: labelChars, maxLength: 8 }),
    fc.integer({ min: 60, max: 66 }).map((n) => 'a'.repeat(n)),
  );
  it('on generated names', () => {
    fc.assert(
      fc.property(fc.array(label, { maxLength: 6 }), fc.boolean(), (labels, dot) => {
        const raw = labels.join('.') + (dot ? '.' : '');
        expect(normalizeDomain(raw)).toBe(domainByLabels(raw));
      }),
      { numRuns: 3000 },
    );
  });

  it('on names at the length limits', () => {
    const long = (total: number) => `${'a'.repeat(63)}.`.repeat(4).slice(0, total - 4) + '.com';
    for (const total of [252, 253, 254])
      expect(normalizeDomain(long(total))).toBe(domainByLabels(long(total)));
  });
});
