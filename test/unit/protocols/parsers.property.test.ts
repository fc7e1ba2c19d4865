import fc from 'fast-check';
import { parseEmailAddress } from '../../../src/core/address';
import { parsePoxRequest } from '../../../src/protocols/pox-request';
import { poxBody } from '../../helpers/example';

/** Characters protocols.md §5.3 forbids because they inject markup, headers, paths or placeholders. */
const FORBIDDEN = [
  ' ',
  '\t',
  '\r',
  '\n',
  '\u0000',
  '<',
  '>',
  '&',
  '"',
  "'",
  '\\',
  '/',
  '%',
  '`',
  '(',
  ')',
  ',',
  ';',
  ':',
];

const atom = fc.stringMatching(/^[A-Za-z0-9!#$*+=?^_{|}~-]{1,10}$/);
const localPart = fc
  .array(atom, { minLength: 1, maxLength: 4 })
  .map((atoms) => atoms.join('.'))
  .filter((local) => local.length <= 64);
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([labels, tld]) => [...labels, tld].join('.'));
const validAddress = fc.tuple(localPart, domain).map(([local, name]) => `${local}@${name}`);

const xmlish = fc.string({
  unit: fc.constantFrom(...'<>/!?&;="\' AEIMRacdeilmnorstuvx:[]-\n'.split('')),
  maxLength: 300,
});

describe('parseEmailAddress (properties)', () => {
  it('never throws, and whatever it accepts is safe to put in XML, headers and logs', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 100 }),
          // Around one @, so that a good share of inputs gets past the first checks.
          fc
            .tuple(
              fc.string({ maxLength: 70 }),
              fc.oneof(domain, fc.string({ unit: 'grapheme', maxLength: 40 })),
            )
            .map(([local, name]) => `${local}@${name}`),
          validAddress,
        ),
        (raw) => {
          const result = parseEmailAddress(raw);
          if (!result.ok) return;
          const { address, localPart: local, domain: name } = result.value;
          expect(address.split('@')).toHaveLength(2);
          expect(address.length).toBeLessThanOrEqual(254);
          expect(local.length).toBeLessThanOrEqual(64);
          expect(name).toMatch(/^[a-z0-9.-]+$/);
          for (const char of FORBIDDEN) expect(address).not.toContain(char);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('accepts every conservative address, keeps the local part and lower-cases the domain', () => {
    fc.assert(
      fc.property(validAddress, fc.boolean(), (address, upper) => {
        const [local, name] = address.split('@') as [string, string];
        const result = parseEmailAddress(upper ? `${local}@${name.toUpperCase()}` : address);
        if (/^[0-9.]+$/.test(name)) {
          expect(result.ok).toBe(false); // bare IPv4 addresses are not domains
          return;
        }
        expect(result).toEqual({ ok: true, value: { localPart: local, domain: name, address } });
      }),
    );
  });

  it('is idempotent: a normalised address parses to itself', () => {
    fc.assert(
      fc.property(validAddress, (address) => {
        const first = parseEmailAddress(address);
        if (!first.ok) return;
        expect(parseEmailAddress(first.value.address)).toEqual(first);
      }),
    );
  });

  it('rejects any address with a forbidden character or a second @ inserted anywhere', () => {
    fc.assert(
      fc.property(validAddress, fc.constantFrom(...FORBIDDEN, '@'), fc.nat(), (address, char, at) => {
        const position = at % (address.length + 1);
        const tampered = `${address.slice(0, position)}${char}${address.slice(position)}`;
        expect(parseEmailAddress(tampered).ok).toBe(false);
      }),
    );
  });
});

describe('parsePoxRequest (properties)', () => {
  it('never throws on arbitrary bytes or XML-like text and fails only with 500 or 600', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
          xmlish,
        ),
        (body) => {
          const result = parsePoxRequest(body);
          if (!result.ok) expect([500, 600]).toContain(result.code);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads back the address of every well-formed request', () => {
    fc.assert(
      fc.property(validAddress, fc.constantFrom('http', 'https'), (address, scheme) => {
        const result = parsePoxRequest(
          poxBody(
            address,
            `${scheme}://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a`,
          ),
        );
        expect(result).toEqual({ ok: true, request: { emailAddress: address, responseSchema: 'outlook' } });
      }),
    );
  });

  it('answers a real request the same whatever body came before it (the parser is reused)', () => {
    const real = poxBody('alice@example.com');
    const expected = parsePoxRequest(real);
    fc.assert(
      fc.property(xmlish, fc.nat(), (noise, at) => {
        const position = at % (real.length + 1);
        parsePoxRequest(`${real.slice(0, position)}${noise}${real.slice(position)}`);
        expect(parsePoxRequest(real)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses any request that carries a DTD, wherever it is placed', () => {
    fc.assert(
      fc.property(
        validAddress,
        fc.nat(),
        fc.constantFrom('<!DOCTYPE x>', '<!doctype x [<!ENTITY a "b">]>', '<!ENTITY a "b">'),
        (address, at, dtd) => {
          const body = poxBody(address);
          const position = at % (body.length + 1);
          const result = parsePoxRequest(`${body.slice(0, position)}${dtd}${body.slice(position)}`);
          expect(result.ok).toBe(false);
        },
      ),
    );
  });

  it('never returns an address that is not in the body', () => {
    fc.assert(
      fc.property(xmlish, (noise) => {
        const body = poxBody(`a${noise}@example.com`);
        const result = parsePoxRequest(body);
        if (result.ok) expect(body).toContain(result.request.emailAddress);
      }),
    );
  });
});
