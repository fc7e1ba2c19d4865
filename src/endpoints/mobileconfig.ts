import { LRUCache } from 'lru-cache';
import type { Preparer } from '../catalog/prepared-cache';
import type { Snapshot } from '../catalog/snapshot';
import { parseEmailAddress, type EmailAddress } from '../core/address';
import type { DomainSettings } from '../core/settings';
import { MOBILECONFIG_CONTENT_TYPE, prepareAppleProfile, profileLink } from '../protocols/apple';
import { fillPreparedBytes, preparedTextSize, type PreparedText } from '../protocols/prepared-text';
import { renderQrSvg, SVG_CONTENT_TYPE } from '../protocols/qr';
import { answer, MESSAGES, NO_STORE, plain, TEXT, type Answer, type Protocol } from './answer';
import type { Endpoint, Query } from './endpoint';

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

/** The unsigned `.mobileconfig` plist; signing happens per request, after the address is in. */
const appleProfile: Preparer<{ text: PreparedText | undefined }> = {
  name: 'mobileconfig',
  // Absent when a profile can describe no server pair of the domain (protocols/reach).
  prepare: (settings) => ({ text: prepareAppleProfile(settings) }),
  size: ({ text }) => preparedTextSize(text),
};

type Lookup = { ok: true; address: EmailAddress; settings: DomainSettings } | { ok: false; answer: Answer };

/** Both Apple endpoints need one valid address of a served domain; anything else is refused alike. */
function lookup(snapshot: Snapshot, emailaddress: unknown, protocol: Protocol): Lookup {
  const parsed = typeof emailaddress === 'string' ? parseEmailAddress(emailaddress) : undefined;
  if (!parsed?.ok)
    return { ok: false, answer: plain(400, MESSAGES.badAddress, { protocol, outcome: 'bad-request' }) };
  const settings = snapshot.settings(parsed.value.domain);
  if (!settings)
    return { ok: false, answer: plain(404, MESSAGES.unknownDomain, { protocol, outcome: 'unknown-domain' }) };
  return { ok: true, address: parsed.value, settings };
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
  const { address, settings } = found;
  const { text: profile } = snapshot.prepared(appleProfile, settings);
  if (!profile) return NO_PROFILE;
  const plist = () => fillPreparedBytes(profile, address);
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
  const domain = settings.domain;
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
  const { address, settings } = found;
  // No code for a download that would only answer 404.
  if (!snapshot.prepared(appleProfile, settings).text)
    return { ...NO_PROFILE, meta: { ...NO_PROFILE.meta, protocol: 'mobileconfig-qr' } };
  const { qrCodes } = keptFor(snapshot);
  let svg = qrCodes.get(address.address);
  if (svg === undefined) {
    svg = await renderQrSvg(profileLink(settings, snapshot.service, address));
    qrCodes.set(address.address, svg);
  }
  return answer(
    200,
    SVG_CONTENT_TYPE,
    svg,
    { protocol: 'mobileconfig-qr', outcome: 'ok', domain: settings.domain },
    NO_STORE,
  );
}

/** `emailaddress` as automx2 and autoconfig name it, or the shorter `email` of the alias. */
const address = (query: Query): unknown => query.get('emailaddress') ?? query.get('email');

/** Apple configuration profiles (protocols.md §4). */
export const mobileconfigEndpoint: Endpoint = {
  name: 'mobileconfig',
  protocol: 'mobileconfig',
  paths: [MOBILECONFIG_PATH, MOBILECONFIG_ALIAS_PATH],
  methods: ['GET'],
  kind: 'machine',
  rateLimited: true,
  answer: (request, ctx) =>
    answerMobileconfig(ctx.snapshot, { emailaddress: address(request.query), now: ctx.now }),
  render: [
    {
      format: 'mobileconfig',
      render: (snapshot, emailaddress, now) => answerMobileconfig(snapshot, { emailaddress, now }),
    },
  ],
};

/** The QR code of the profile's link. */
export const mobileconfigQrEndpoint: Endpoint = {
  name: 'mobileconfig-qr',
  protocol: 'mobileconfig-qr',
  paths: [MOBILECONFIG_QR_PATH],
  methods: ['GET'],
  kind: 'machine',
  rateLimited: true,
  answer: (request, ctx) => answerProfileQr(ctx.snapshot, { emailaddress: address(request.query) }),
};
