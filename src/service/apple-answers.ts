import { LRUCache } from 'lru-cache';
import { parseEmailAddress, type EmailAddress } from '../core/address';
import { MOBILECONFIG_CONTENT_TYPE, profileLink } from '../protocols/apple';
import { fillPrepared } from '../protocols/prepared-text';
import { renderQrSvg, SVG_CONTENT_TYPE } from '../protocols/qr';
import { answer, MESSAGES, NO_STORE, TEXT, type Answer, type AnswerProtocol } from './answers';
import type { PreparedDomain, Snapshot } from './snapshot';

export const MOBILECONFIG_PATH = '/mobileconfig';
/** Short to type on a phone; same answer. */
export const MOBILECONFIG_ALIAS_PATH = '/apple';
export const MOBILECONFIG_QR_PATH = '/mobileconfig/qr.svg';

/**
 * Signing a profile costs about a millisecond of CPU (RSA-2048) and drawing a QR code about as
 * much, on endpoints anyone may call, so both answers are kept per address. They live with the
 * snapshot they were made from: a reload (new certificate, new settings) starts afresh. Bounded
 * in bytes; a signed profile is kept for minutes only, so its signing time stays close to now.
 */
const KEPT_BYTES = 4 * 1024 * 1024;
const SIGNED_PROFILE_TTL_MS = 10 * 60 * 1000;

interface Kept {
  readonly signedProfiles: LRUCache<string, Buffer>;
  readonly qrCodes: LRUCache<string, string>;
}

const keptBySnapshot = new WeakMap<Snapshot, Kept>();

function keptFor(snapshot: Snapshot): Kept {
  let kept = keptBySnapshot.get(snapshot);
  if (!kept) {
    kept = {
      signedProfiles: new LRUCache({
        maxSize: KEPT_BYTES,
        sizeCalculation: (body) => body.length,
        ttl: SIGNED_PROFILE_TTL_MS,
      }),
      qrCodes: new LRUCache({ maxSize: KEPT_BYTES, sizeCalculation: (svg) => svg.length }),
    };
    keptBySnapshot.set(snapshot, kept);
  }
  return kept;
}

type Lookup = { ok: true; address: EmailAddress; prepared: PreparedDomain } | { ok: false; answer: Answer };

/** Both Apple endpoints need one valid address of a served domain; anything else is refused alike. */
function lookup(snapshot: Snapshot, emailaddress: unknown, protocol: AnswerProtocol): Lookup {
  const parsed = typeof emailaddress === 'string' ? parseEmailAddress(emailaddress) : undefined;
  if (!parsed?.ok) {
    return {
      ok: false,
      answer: answer(400, TEXT, MESSAGES.badAddress, { protocol, outcome: 'bad-request' }, NO_STORE),
    };
  }
  const prepared = snapshot.lookup(parsed.value.domain);
  if (!prepared) {
    return {
      ok: false,
      answer: answer(404, TEXT, MESSAGES.unknownDomain, { protocol, outcome: 'unknown-domain' }, NO_STORE),
    };
  }
  return { ok: true, address: parsed.value, prepared };
}

/**
 * The configuration profile for one address (protocols.md §4.1): the prepared plist with the
 * address filled in, CMS-signed when a signing certificate is configured. Per-user, so not cached
 * by clients; signed ones are kept here (see KEPT_BYTES).
 */
export function answerMobileconfig(
  snapshot: Snapshot,
  request: { emailaddress: unknown; now: Date },
): Answer {
  const found = lookup(snapshot, request.emailaddress, 'mobileconfig');
  if (!found.ok) return found.answer;
  const { address, prepared } = found;
  const profile = prepared.appleProfile;
  if (!profile) return NO_PROFILE;
  const plist = () => Buffer.from(fillPrepared(profile, address), 'utf8');
  let body: Buffer | undefined;
  if (snapshot.signer) {
    const { signedProfiles } = keptFor(snapshot);
    body = signedProfiles.get(address.address);
    if (!body) {
      body = snapshot.signer.sign(plist(), request.now);
      signedProfiles.set(address.address, body);
    }
  } else {
    body = plist();
  }
  const domain = prepared.settings.domain;
  return answer(
    200,
    MOBILECONFIG_CONTENT_TYPE,
    body,
    { protocol: 'mobileconfig', outcome: 'ok', domain },
    { 'Content-Disposition': `attachment; filename="${domain}.mobileconfig"`, ...NO_STORE },
  );
}

/** The domain's servers cannot be put in a profile without a login they refuse (protocols/reach). */
const NO_PROFILE = answer(
  404,
  TEXT,
  'No configuration profile is published for this domain: its mail servers use sign-in methods a profile cannot describe.\n',
  { protocol: 'mobileconfig', outcome: 'unsupported' },
  NO_STORE,
);

/** A QR code of the profile's download link, for reading an address on a computer into a phone. */
export async function answerProfileQr(
  snapshot: Snapshot,
  request: { emailaddress: unknown },
): Promise<Answer> {
  const found = lookup(snapshot, request.emailaddress, 'mobileconfig-qr');
  if (!found.ok) return found.answer;
  const { address, prepared } = found;
  // No code for a download that would only answer 404.
  if (!prepared.appleProfile)
    return { ...NO_PROFILE, meta: { ...NO_PROFILE.meta, protocol: 'mobileconfig-qr' } };
  const { qrCodes } = keptFor(snapshot);
  let svg = qrCodes.get(address.address);
  if (svg === undefined) {
    svg = await renderQrSvg(profileLink(prepared.settings, snapshot.service, address));
    qrCodes.set(address.address, svg);
  }
  return answer(
    200,
    SVG_CONTENT_TYPE,
    svg,
    { protocol: 'mobileconfig-qr', outcome: 'ok', domain: prepared.settings.domain },
    NO_STORE,
  );
}
