import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { TlsFacts } from './connection';

/** What clients will think of a server's certificate. */
export interface CertificateVerdict {
  /** Every client accepts it: trusted chain, in its validity period, names the host. */
  readonly ok: boolean;
  readonly trusted: boolean;
  readonly expired: boolean;
  readonly notYetValid: boolean;
  readonly coversHost: boolean;
  /** Whole days until it expires (negative once expired). */
  readonly daysLeft: number;
  readonly names: readonly string[];
  readonly validTo: string;
  /** One sentence for the report. */
  readonly summary: string;
  /** Why it is refused, when it is. */
  readonly problem?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Below this many days a warning is given (ACME clients renew at 30 days left). */
export const EXPIRY_WARNING_DAYS = 14;

function namesOf(certificate: PeerCertificate): string[] {
  const alt = certificate.subjectaltname ?? '';
  const names = alt
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
  if (names.length > 0) return names;
  const cn = certificate.subject?.CN;
  return typeof cn === 'string' ? [cn] : [];
}

/** Judges a server's certificate for `host` from the TLS facts of one connection. */
export function judgeCertificate(host: string, tls: TlsFacts, now: Date): CertificateVerdict {
  const certificate = tls.certificate;
  if (!certificate)
    return {
      ok: false,
      trusted: false,
      expired: false,
      notYetValid: false,
      coversHost: false,
      daysLeft: 0,
      names: [],
      validTo: '',
      summary: 'the server sent no certificate',
      problem: 'the server sent no certificate',
    };
  const validTo = new Date(certificate.valid_to);
  const validFrom = new Date(certificate.valid_from);
  const expired = validTo.getTime() < now.getTime();
  const notYetValid = validFrom.getTime() > now.getTime();
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  const names = namesOf(certificate);
  const coversHost = checkServerIdentity(host, certificate) === undefined;
  // Expiry and the name are judged here, so those errors of the chain check are not counted twice.
  const dateErrors = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);
  const chainError =
    tls.authorizationError && !dateErrors.has(tls.authorizationError) ? tls.authorizationError : undefined;
  const trusted = chainError === undefined;
  const problems = [
    ...(expired ? [`expired on ${validTo.toISOString().slice(0, 10)}`] : []),
    ...(notYetValid ? [`not valid before ${validFrom.toISOString().slice(0, 10)}`] : []),
    ...(coversHost ? [] : [`issued for ${names.join(', ') || '(no names)'}, not ${host}`]),
    ...(trusted ? [] : [`not trusted (${chainError})`]),
  ];
  const ok = problems.length === 0;
  return {
    ok,
    trusted,
    expired,
    notYetValid,
    coversHost,
    daysLeft,
    names,
    validTo: validTo.toISOString(),
    summary: ok
      ? `certificate for ${names.join(', ')} valid for ${daysLeft} more days`
      : `certificate ${problems.join(', ')}`,
    ...(!ok && { problem: problems.join(', ') }),
  };
}
