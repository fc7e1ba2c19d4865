/**
 * The resolved, read-only settings model every renderer works from. The config loader produces it
 * once per load; nothing downstream sees YAML or profile inheritance.
 */

export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export type Security = (typeof SECURITY_MODES)[number];

export const INCOMING_TYPES = ['imap', 'pop3'] as const;
export type IncomingType = (typeof INCOMING_TYPES)[number];
export type ServerType = IncomingType | 'smtp';

/** Mozilla's vocabulary (protocols.md §1.5) is the one admins already know, so the config speaks it. */
export const AUTH_METHODS = [
  'password-cleartext',
  'password-encrypted',
  'OAuth2',
  'NTLM',
  'GSSAPI',
  'client-IP-address',
  'TLS-client-cert',
  'none',
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export interface ServerSettings {
  readonly type: ServerType;
  readonly host: string;
  readonly port: number;
  readonly security: Security;
  /** In order of preference; never empty. */
  readonly auth: readonly AuthMethod[];
  /** Login name template using the %EMAILADDRESS% / %EMAILLOCALPART% / %EMAILDOMAIN% placeholders. */
  readonly username: string;
}

export interface DavSettings {
  readonly url: string;
  readonly username: string;
  readonly auth: 'http-basic' | 'http-digest' | 'OAuth2';
}

export interface OAuth2Settings {
  readonly issuer: string;
  readonly scope: string;
  readonly authURL: string;
  readonly tokenURL: string;
}

export interface DocumentationLink {
  readonly url: string;
  /** Description per language tag, e.g. { en: 'Settings for mail programs' }. */
  readonly description: Readonly<Record<string, string>>;
}

export interface ConfigSource {
  readonly file: string;
  /** Path inside the file, e.g. `domains[3]`; empty for a single-domain file. */
  readonly path: string;
}

export interface DomainSettings {
  /** Lower-case A-label (punycode) form. */
  readonly domain: string;
  readonly aliases: readonly string[];
  readonly provider: { readonly name: string; readonly shortName: string };
  readonly incoming: readonly ServerSettings[];
  readonly outgoing: readonly ServerSettings[];
  readonly documentation?: DocumentationLink;
  /** Localised help text for people, by language tag. */
  readonly help?: Readonly<Record<string, string>>;
  readonly webmail?: string;
  readonly activeSync?: { readonly url: string };
  readonly caldav?: DavSettings;
  readonly carddav?: DavSettings;
  readonly oauth2?: OAuth2Settings;
  readonly source: ConfigSource;
}

export interface ServiceSettings {
  /**
   * The host name clients reach this service at over https. It is the CNAME target of the
   * autoconfig./autodiscover. names and the base of URLs we hand out (Autodiscover v2).
   * Absent when the admin has not set it; features that need it say so.
   */
  readonly publicHost?: string;
  /** Addresses of publicHost; used where a name cannot be a CNAME. May be empty. */
  readonly publicAddresses: readonly string[];
  /**
   * Addresses of mail hosts as the admin declared them (normalised host name → addresses). This is
   * all the DNS generator knows of address records besides publicHost's.
   */
  readonly hostAddresses: ReadonlyMap<string, readonly string[]>;
  /** TTL for generated DNS records, in seconds. */
  readonly dnsTtl: number;
  /** Whether the TLS ask endpoint approves the bare domains too, not only the prefixed names. */
  readonly tlsAllowApex: boolean;
}

export const DEFAULT_DNS_TTL = 3600;

/** The standard port for each server type and security mode (RFC 8314 §3.3, RFC 6186). */
export const DEFAULT_PORTS: Readonly<Record<ServerType, Readonly<Record<Security, number>>>> = {
  imap: { tls: 993, starttls: 143, none: 143 },
  pop3: { tls: 995, starttls: 110, none: 110 },
  smtp: { tls: 465, starttls: 587, none: 587 },
};
