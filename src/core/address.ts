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
const MAX_LABEL = 63;

/** RFC 5322 atext minus the characters §5.3 forbids (`/`, `%`, `'`, `` ` ``, `&`). */
const LOCAL_ATOM = /^[A-Za-z0-9!#$*+=?^_{|}~-]+$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const ALL_DIGITS_AND_DOTS = /^[0-9.]+$/;

/**
 * Normalise a domain name to the form we index and compare on: lower-case, IDN to punycode,
 * no trailing dot. Returns undefined when the name is not a plausible mail domain.
 */
export function normalizeDomain(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > 1024) return undefined;
  let name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  // domainToASCII would silently accept characters such as `_`, `*` or spaces that are
  // meaningless in a mail domain, so ASCII names are checked label by label.
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(name)) {
    name = domainToASCII(name);
    if (name === '') return undefined;
  }
  name = name.toLowerCase();
  if (name.length === 0 || name.length > MAX_DOMAIN) return undefined;
  const labels = name.split('.');
  if (labels.length < 2) return undefined;
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL || !LABEL.test(label)) return undefined;
  }
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
  const atoms = localPart.split('.');
  if (atoms.some((atom) => atom.length === 0)) {
    return { ok: false, reason: 'local part has a leading, trailing or double dot' };
  }
  if (!atoms.every((atom) => LOCAL_ATOM.test(atom))) {
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
