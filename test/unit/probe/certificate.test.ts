import type { PeerCertificate } from 'node:tls';
import { judgeCertificate } from '../../../src/probe/certificate';

const now = new Date('2026-12-01T00:00:00Z');
const certificate = (names: string[], validTo: string, validFrom = 'Jan  1 00:00:00 2026 GMT') =>
  ({
    subject: { CN: names[0] },
    subjectaltname: names.map((n) => `DNS:${n}`).join(', '),
    valid_from: validFrom,
    valid_to: validTo,
  }) as unknown as PeerCertificate;

describe('judgeCertificate', () => {
  it('a good one: days left and the names', () => {
    const verdict = judgeCertificate(
      'imap.example.com',
      {
        protocol: 'TLSv1.3',
        authorized: true,
        certificate: certificate(['imap.example.com'], 'Mar  1 00:00:00 2027 GMT'),
      },
      now,
    );
    expect(verdict).toMatchObject({
      ok: true,
      daysLeft: 90,
      summary: 'certificate for imap.example.com valid for 90 more days',
    });
  });

  it('a wildcard covers one level only', () => {
    const cert = certificate(['*.example.com'], 'Mar  1 00:00:00 2027 GMT');
    expect(
      judgeCertificate('imap.example.com', { protocol: 'TLSv1.3', authorized: true, certificate: cert }, now)
        .ok,
    ).toBe(true);
    expect(
      judgeCertificate(
        'a.imap.example.com',
        { protocol: 'TLSv1.3', authorized: true, certificate: cert },
        now,
      ).coversHost,
    ).toBe(false);
  });

  it('expired, another name and an unknown issuer, all named', () => {
    const verdict = judgeCertificate(
      'imap.example.com',
      {
        protocol: 'TLSv1.3',
        authorized: false,
        authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN',
        certificate: certificate(
          ['mail.other.example'],
          'Mar  1 00:00:00 2020 GMT',
          'Jan  1 00:00:00 2020 GMT',
        ),
      },
      now,
    );
    expect(verdict.ok).toBe(false);
    expect(verdict.problem).toBe(
      'expired on 2020-03-01, issued for mail.other.example, not imap.example.com, not trusted (SELF_SIGNED_CERT_IN_CHAIN)',
    );
  });
});
