import type { AuthMethod, DomainSettings, ServerSettings } from '../core/settings';
import { knownOAuth2Issuer } from '../core/known-oauth2';

/**
 * What each answer format can say about a server's login, and so which servers it must leave out.
 * The rule everywhere: never tell a client to log in a way its server refuses. A format that has
 * no word for any of a server's methods leaves that server out; when that leaves a format nothing
 * to set up, the domain gets the format's own error instead of settings. `validate` reports every
 * such case per domain and format ({@link reachNotes}).
 */

export type ReachFormat = 'autoconfig' | 'pox' | 'apple';

export const FORMAT_NAMES: Readonly<Record<ReachFormat, string>> = {
  autoconfig: 'Thunderbird (autoconfig)',
  pox: 'Outlook (POX)',
  apple: 'Apple profile',
};

/**
 * POX (MS-OXDSCLI) says only: SPA on (NTLM/Kerberos) or off (a password as typed), AuthRequired
 * on/off, and SMTPLast (SMTP after POP). It has no word for OAuth2, CRAM-MD5 or a client
 * certificate: `SPA off` for a CRAM-MD5-only server would send the password in a form it refuses.
 */
const POX_METHODS: ReadonlySet<AuthMethod> = new Set([
  'password-cleartext',
  'NTLM',
  'GSSAPI',
  'none',
  'client-IP-address',
  'smtp-after-pop',
]);

/** com.apple.mail.managed knows None, Password, CRAMMD5, NTLM (and HTTPMD5, unused here). */
const APPLE_METHODS: ReadonlySet<AuthMethod> = new Set([
  'password-cleartext',
  'password-encrypted',
  'NTLM',
  'none',
  'client-IP-address',
  'smtp-after-pop',
]);

/** Methods Thunderbird accepts in an autoconfig file (protocols.md §1.5), by direction. */
function thunderbirdAccepts(server: ServerSettings, method: AuthMethod): boolean {
  switch (method) {
    case 'password-cleartext':
    case 'password-encrypted':
    case 'NTLM':
    case 'GSSAPI':
      return true;
    case 'OAuth2':
      // Thunderbird ignores the oAuth2 block and uses OAuth2 only with issuers it has built in.
      return knownOAuth2Issuer(server.host) !== undefined;
    case 'none':
    case 'client-IP-address':
    case 'smtp-after-pop':
      return server.type === 'smtp';
    case 'TLS-client-cert':
      return false;
  }
}

export type Login = { ok: true; method: AuthMethod } | { ok: false; reason: string };

function firstOf(server: ServerSettings, accepts: (method: AuthMethod) => boolean, what: string): Login {
  const method = server.auth.find(accepts);
  if (method !== undefined) return { ok: true, method };
  const list = server.auth.join(', ');
  return {
    ok: false,
    reason:
      server.auth.length === 1
        ? `its only method is ${list}${what}`
        : `none of its methods (${list}) can be expressed${what}`,
  };
}

/** The method a POX Protocol element announces for the server, or why it has none. */
export function poxLogin(server: ServerSettings): Login {
  if (server.type === 'exchange')
    return { ok: false, reason: 'POX IMAP/POP/SMTP settings have no place for an Exchange server' };
  return firstOf(server, (method) => POX_METHODS.has(method), '');
}

/** The method an Apple mail payload announces for the server, or why it has none. */
export function appleLogin(server: ServerSettings): Login {
  if (server.type === 'exchange')
    return { ok: false, reason: 'a mail payload describes IMAP, POP3 and SMTP only' };
  return firstOf(server, (method) => APPLE_METHODS.has(method), '');
}

export function thunderbirdLogin(server: ServerSettings): Login {
  return firstOf(
    server,
    (method) => thunderbirdAccepts(server, method),
    server.auth.includes('OAuth2') && knownOAuth2Issuer(server.host) === undefined
      ? ' (Thunderbird uses OAuth2 only for hosts it knows the issuer of, whatever the oAuth2 block says)'
      : '',
  );
}

export interface PoxServers {
  readonly incoming: readonly { server: ServerSettings; method: AuthMethod }[];
  readonly outgoing: readonly { server: ServerSettings; method: AuthMethod }[];
}

/** The servers a POX answer lists; undefined when Outlook would be left without one either way. */
export function poxServers(settings: DomainSettings): PoxServers | undefined {
  const pick = (servers: readonly ServerSettings[]) =>
    servers.flatMap((server) => {
      const login = poxLogin(server);
      return login.ok ? [{ server, method: login.method }] : [];
    });
  const incoming = pick(settings.incoming);
  const outgoing = pick(settings.outgoing);
  return incoming.length > 0 && outgoing.length > 0 ? { incoming, outgoing } : undefined;
}

export interface AppleServers {
  readonly incoming: { server: ServerSettings; method: AuthMethod };
  readonly outgoing: { server: ServerSettings; method: AuthMethod };
}

/**
 * A profile holds one incoming and one outgoing server (protocols.md §4.3): the first IMAP server
 * it can describe, else the first POP3 one, and the first SMTP server, each preferring an encrypted
 * entry. Undefined when there is no such pair: the profile endpoint then refuses the domain.
 */
export function appleServers(settings: DomainSettings): AppleServers | undefined {
  const pick = (servers: readonly ServerSettings[]) => {
    const usable = servers.flatMap((server) => {
      const login = appleLogin(server);
      return login.ok ? [{ server, method: login.method }] : [];
    });
    return usable.find((entry) => entry.server.security !== 'none') ?? usable[0];
  };
  const incoming =
    pick(settings.incoming.filter((server) => server.type === 'imap')) ??
    pick(settings.incoming.filter((server) => server.type === 'pop3'));
  const outgoing = pick(settings.outgoing);
  return incoming && outgoing ? { incoming, outgoing } : undefined;
}

export interface ReachNote {
  readonly format: ReachFormat;
  /** `['incoming', 2]`, or empty for the whole domain. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

interface ListReach {
  readonly servers: readonly ReachNote[];
  readonly pox: boolean;
  readonly apple: boolean;
}

/**
 * Domains of one profile share their server lists (config/resolve), so what the formats can say
 * about a pair of lists is worked out once, not once per domain of a 100,000-domain config.
 */
const reachByLists = new WeakMap<readonly ServerSettings[], WeakMap<readonly ServerSettings[], ListReach>>();

function listReach(settings: DomainSettings): ListReach {
  let byOutgoing = reachByLists.get(settings.incoming);
  if (!byOutgoing) reachByLists.set(settings.incoming, (byOutgoing = new WeakMap()));
  let reach = byOutgoing.get(settings.outgoing);
  if (!reach) {
    const notes: ReachNote[] = [];
    const each = (format: ReachFormat, login: (server: ServerSettings) => Login, what: string) => {
      for (const key of ['incoming', 'outgoing'] as const) {
        settings[key].forEach((server, index) => {
          const result = login(server);
          if (!result.ok)
            notes.push({
              format,
              path: [key, index],
              message: `${FORMAT_NAMES[format]} cannot use ${server.host}: ${result.reason}; ${what}`,
            });
        });
      }
    };
    each('autoconfig', thunderbirdLogin, 'Thunderbird will skip it (other autoconfig readers may not)');
    each('pox', poxLogin, 'the Outlook answer leaves it out');
    each('apple', appleLogin, 'the Apple profile cannot offer it');
    reach = {
      servers: notes,
      pox: poxServers(settings) !== undefined,
      apple: appleServers(settings) !== undefined,
    };
    byOutgoing.set(settings.outgoing, reach);
  }
  return reach;
}

/** Every server a format leaves out, and every format that answers the domain with an error. */
export function reachNotes(settings: DomainSettings): ReachNote[] {
  const reach = listReach(settings);
  if (reach.pox && reach.apple) return [...reach.servers];
  const notes = [...reach.servers];
  if (!reach.pox)
    notes.push({
      format: 'pox',
      path: [],
      message: `${FORMAT_NAMES.pox} has no incoming or no outgoing server it can describe for ${settings.domain}: Outlook gets Autodiscover error 501 and Autodiscover v2 offers no AutodiscoverV1 URL`,
    });
  if (!reach.apple)
    notes.push({
      format: 'apple',
      path: [],
      message: `${FORMAT_NAMES.apple} has no IMAP/POP3 and SMTP pair it can describe for ${settings.domain}: the profile download answers 404 and the settings page offers none`,
    });
  return notes;
}
