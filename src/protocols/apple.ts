import type { EmailAddress } from '../core/address';
import type {
  AuthMethod,
  DavSettings,
  DomainSettings,
  Security,
  ServerSettings,
  ServiceSettings,
} from '../core/settings';
import { expandUsername } from '../core/username';
import { uuidV5 } from '../core/uuid';
import { renderPlist, type PlistDict } from './plist';
import { appleServers } from './reach';
import { SlotRecorder, type PreparedText } from './prepared-text';

/**
 * Apple configuration profile (`.mobileconfig`, protocols.md §4): one `com.apple.mail.managed`
 * payload, plus CalDAV/CardDAV account payloads when the domain has them. The plist is rendered once
 * per domain with slots for the address-derived values (login names, identifiers, UUIDs). It never
 * carries a password: the device asks for it once.
 */

export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config';

/** Namespace of this service's UUIDv5 payload UUIDs; fixed forever so UUIDs stay stable. */
const UUID_NAMESPACE = '5b0c7a4e-3f0d-4f52-9a55-7d1a3c2e8b61';

/** Apple's authentication words (com.apple.mail.managed) for the methods protocols/reach lets through. */
const APPLE_AUTH: Partial<Record<AuthMethod, string>> = {
  'password-cleartext': 'EmailAuthPassword',
  'password-encrypted': 'EmailAuthCRAMMD5',
  NTLM: 'EmailAuthNTLM',
  none: 'EmailAuthNone',
  'client-IP-address': 'EmailAuthNone',
  'smtp-after-pop': 'EmailAuthNone',
};

/** There is no STARTTLS key: UseSSL with the STARTTLS port is how Apple Mail expresses it (§4.3). */
const USE_SSL = { tls: true, starttls: true, none: false } as const satisfies Record<Security, boolean>;

function appleAuth(method: AuthMethod): string {
  return APPLE_AUTH[method] ?? 'EmailAuthNone';
}

/**
 * The address as an identifier segment: lower-case (mailboxes do not differ by case, so Alice@ and
 * alice@ replace each other) and reduced to [a-z0-9-], other characters written as `_xx`, which
 * keeps distinct local parts distinct.
 */
function identifierSegment(localPart: string): string {
  return localPart
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, (ch) => `_${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Reverse-DNS and stable per address: a new download of the profile replaces the installed one. */
export function profileIdentifier(address: EmailAddress): string {
  const reversed = address.domain.split('.').reverse().join('.');
  return `${reversed}.autoconfig.${identifierSegment(address.localPart)}`;
}

function payloadUuid(address: EmailAddress, payload: string): string {
  return uuidV5(`${payload}:${address.localPart.toLowerCase()}@${address.domain}`, UUID_NAMESPACE);
}

function davPayload(
  kind: 'CalDAV' | 'CardDAV',
  dav: DavSettings,
  settings: DomainSettings,
  slots: SlotRecorder,
): PlistDict {
  const url = new URL(dav.url);
  const suffix = kind.toLowerCase();
  return {
    [`${kind}AccountDescription`]: `${settings.provider.name} ${kind === 'CalDAV' ? 'calendar' : 'contacts'}`,
    [`${kind}HostName`]: url.hostname,
    [`${kind}Port`]: url.port === '' ? 443 : Number(url.port),
    [`${kind}PrincipalURL`]: url.href,
    [`${kind}UseSSL`]: true,
    [`${kind}Username`]: slots.slot((address) => expandUsername(dav.username, address)),
    PayloadDescription: `${kind} account`,
    PayloadDisplayName: `${settings.provider.name} ${kind === 'CalDAV' ? 'calendar' : 'contacts'}`,
    PayloadIdentifier: slots.slot((address) => `${profileIdentifier(address)}.${suffix}`),
    PayloadType: `com.apple.${suffix}.account`,
    PayloadUUID: slots.slot((address) => payloadUuid(address, suffix)),
    PayloadVersion: 1,
  };
}

/**
 * Undefined when the domain has no IMAP/POP3 and SMTP pair a profile can describe (protocols/reach):
 * the download is then refused rather than a profile that makes Mail send a refused login.
 */
export function prepareAppleProfile(settings: DomainSettings): PreparedText | undefined {
  const servers = appleServers(settings);
  if (!servers) return undefined;
  const slots = new SlotRecorder();
  const incoming = servers.incoming.server;
  const outgoing = servers.outgoing.server;
  const username = (server: ServerSettings) =>
    server.username === '' ? {} : { slot: slots.slot((address) => expandUsername(server.username, address)) };
  const incomingUser = username(incoming);
  const outgoingUser = username(outgoing);
  const accountKind = incoming.type === 'imap' ? 'IMAP' : 'POP';
  const mail: PlistDict = {
    EmailAccountDescription: slots.slot((address) => address.address),
    EmailAccountType: incoming.type === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP',
    EmailAddress: slots.slot((address) => address.address),
    IncomingMailServerAuthentication: appleAuth(servers.incoming.method),
    IncomingMailServerHostName: incoming.host,
    IncomingMailServerPortNumber: incoming.port,
    IncomingMailServerUseSSL: USE_SSL[incoming.security],
    ...(incomingUser.slot !== undefined && { IncomingMailServerUsername: incomingUser.slot }),
    OutgoingMailServerAuthentication: appleAuth(servers.outgoing.method),
    OutgoingMailServerHostName: outgoing.host,
    OutgoingMailServerPortNumber: outgoing.port,
    OutgoingMailServerUseSSL: USE_SSL[outgoing.security],
    ...(outgoingUser.slot !== undefined && { OutgoingMailServerUsername: outgoingUser.slot }),
    OutgoingPasswordSameAsIncomingPassword: outgoing.username === incoming.username,
    PayloadDescription: slots.slot((address) => `${accountKind}/SMTP account ${address.address}`),
    PayloadDisplayName: settings.provider.name,
    PayloadIdentifier: slots.slot((address) => `${profileIdentifier(address)}.mail`),
    PayloadType: 'com.apple.mail.managed',
    PayloadUUID: slots.slot((address) => payloadUuid(address, 'mail')),
    PayloadVersion: 1,
  };
  const content: PlistDict[] = [mail];
  if (settings.caldav) content.push(davPayload('CalDAV', settings.caldav, settings, slots));
  if (settings.carddav) content.push(davPayload('CardDAV', settings.carddav, settings, slots));
  const profile: PlistDict = {
    PayloadContent: content,
    PayloadDescription: slots.slot((address) => `Mail settings for ${address.address}`),
    PayloadDisplayName: settings.provider.name,
    PayloadIdentifier: slots.slot(profileIdentifier),
    PayloadOrganization: settings.provider.name,
    PayloadRemovalDisallowed: false,
    PayloadType: 'Configuration',
    PayloadUUID: slots.slot((address) => payloadUuid(address, 'profile')),
    PayloadVersion: 1,
  };
  return slots.prepare(renderPlist(profile));
}

/**
 * Where a phone can download the profile: on the service's public host when configured, else on
 * `autoconfig.<domain>`, which every served domain points at this service.
 */
export function profileLink(
  settings: DomainSettings,
  service: ServiceSettings,
  address: EmailAddress,
): string {
  const host = service.publicHost ?? `autoconfig.${settings.domain}`;
  return `https://${host}/mobileconfig?emailaddress=${encodeURIComponent(address.address)}`;
}
