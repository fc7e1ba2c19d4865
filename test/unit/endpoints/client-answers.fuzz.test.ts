import fc from 'fast-check';
import { answerMobileconfig, answerProfileQr } from '../../../src/endpoints/mobileconfig';
import { answerAutodiscoverJson } from '../../../src/endpoints/autodiscover-json';
import type { Snapshot } from '../../../src/catalog/snapshot';
import { exampleSnapshot, FIXED_NOW } from '../../helpers/example';

let snapshot: Snapshot;
beforeAll(async () => {
  snapshot = await exampleSnapshot();
});

/** Request values as Express hands them over: strings, repeated parameters, or nothing. */
const queryValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
  fc.constant(undefined),
);
const servedAddress = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}$/), fc.constantFrom('example.com', 'example.net'))
  .map(([local, domain]) => `${local}@${domain}`);
/** A value no answer contains by itself, so finding it in a body means it was reflected. */
const marker = fc.stringMatching(/^[A-Za-z]{6,12}$/).map((word) => `zq${word}qz`);

describe('client endpoints never crash and never reflect request values', () => {
  it('Autodiscover v2 JSON answers 200 or 400 with JSON for any address and protocol', () => {
    fc.assert(
      fc.property(fc.oneof(queryValue, servedAddress), queryValue, (address, protocol) => {
        const answer = answerAutodiscoverJson(snapshot, { address, protocol });
        expect([200, 400]).toContain(answer.status);
        expect(() => JSON.parse(answer.body.toString()) as unknown).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('Autodiscover v2 JSON repeats neither the protocol nor the address it was sent', () => {
    fc.assert(
      fc.property(servedAddress, marker, marker, (address, protocol, local) => {
        const body = [
          answerAutodiscoverJson(snapshot, { address, protocol }),
          answerAutodiscoverJson(snapshot, { address: `${local}@unknown.example`, protocol }),
          answerAutodiscoverJson(snapshot, { address: `${local}@example.com`, protocol: 'ActiveSync' }),
        ]
          .map((answer) => answer.body.toString())
          .join('\n');
        expect(body).not.toContain(protocol);
        expect(body).not.toContain(local);
      }),
      { numRuns: 200 },
    );
  });

  it('the profile and its QR code answer 200, 400 or 404 for any emailaddress value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(queryValue, servedAddress), async (emailaddress) => {
        const profile = answerMobileconfig(snapshot, { emailaddress, now: FIXED_NOW });
        const qr = await answerProfileQr(snapshot, { emailaddress });
        expect([200, 400, 404]).toContain(profile.status);
        expect(qr.status).toBe(profile.status);
        if (profile.status !== 200) {
          expect(profile.body.toString()).toMatch(/^(No mail settings|The emailaddress parameter)/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
