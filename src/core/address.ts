import { domainToASCII } from 'node:url';

/**
 * A validated mailbox address (protocols.md §5.3): exactly one `@`, a dot-atom local part without
 * characters that could inject markup, headers or client-side placeholders, and a domain in
 * lower-case A-label form.
 */
export interface EmailAddress {
  readonly localPart: string;
  readonly domain: string;
  /** `localPart@domain` with the normalised domain. */
  readonly address: string;
}

export type AddressResult = { ok: true; value: EmailAddress } | { ok: false; reason: string };

const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/** RFC 5322 atext minus the characters §5.3 forbids (`/`, `%`, `'`, `` ` ``, `&`). */
const LOCAL_ATOM = /^[A-Za-z0-9!#$*+=?^_{|}~-]+$/;
/** Atoms joined by single dots: the whole local part in one test (every request parses one). */
const DOT_ATOM = /^[A-Za-z0-9!#$*+=?^_{|}~-]+(?:\.[A-Za-z0-9!#$*+=?^_{|}~-]+)*$/;
/**
 * At least two labels of at most 63 letters, digits and inner hyphens. Labels cannot hold dots, so
 * the match never backtracks across one: linear in the name.
 */
const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ALL_DIGITS_AND_DOTS = /^[0-9.]+$/;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Normalise a domain name to the form we index and compare on: lower-case, IDN to punycode,
 * no trailing dot. Returns undefined when the name is not a plausible mail domain.
 */
export function normalizeDomain(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > 1024) return undefined;
  let name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  // domainToASCII would silently accept characters such as `_`, `*` or spaces that are
  // meaningless in a mail domain, so the name is checked against the host-name grammar after it.
  if (NON_ASCII.test(name)) {
    name = domainToASCII(name);
    if (name === '') return undefined;
  }
  name = name.toLowerCase();
  if (name.length > MAX_DOMAIN || !HOST_NAME.test(name)) return undefined;
  if (ALL_DIGITS_AND_DOTS.test(name)) return undefined; // bare IPv4 address
  return name;
}

export function parseEmailAddress(raw: string): AddressResult {
  if (raw.length === 0) return { ok: false, reason: 'empty address' };
  if (raw.length > MAX_ADDRESS * 4) return { ok: false, reason: 'address too long' };
  const at = raw.indexOf('@');
  if (at < 0) return { ok: false, reason: 'address has no @' };
  if (raw.indexOf('@', at + 1) >= 0) return { ok: false, reason: 'address has more than one @' };
  const localPart = raw.slice(0, at);
  const rawDomain = raw.slice(at + 1);
  if (localPart.length === 0) return { ok: false, reason: 'empty local part' };
  if (localPart.length > MAX_LOCAL) return { ok: false, reason: 'local part longer than 64 characters' };
  if (!DOT_ATOM.test(localPart)) {
    const atoms = localPart.split('.');
    if (atoms.some((atom) => atom.length === 0))
      return { ok: false, reason: 'local part has a leading, trailing or double dot' };
    if (!atoms.every((atom) => LOCAL_ATOM.test(atom)))
      return { ok: false, reason: 'local part has a character that is not allowed' };
  }
  if (rawDomain.startsWith('[')) return { ok: false, reason: 'address literals are not served' };
  const domain = normalizeDomain(rawDomain);
  if (domain === undefined) return { ok: false, reason: 'domain is not a valid host name' };
  const address = `${localPart}@${domain}`;
  if (address.length > MAX_ADDRESS) return { ok: false, reason: 'address longer than 254 characters' };
  return { ok: true, value: { localPart, domain, address } };
}

/**
 * The canonical text of an IP address (RFC 5952 for IPv6: lower case, shortest form), so that
 * addresses from the config and from DNS answers compare equal. The input must already be valid.
 */
export function normalizeIpAddress(address: string): string {
  if (!address.includes(':')) return address;
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}
