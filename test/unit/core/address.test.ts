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
