/**
 * The resolved, read-only settings model every renderer works from. The config loader produces it
 * once per load; nothing downstream sees YAML or profile inheritance.
 */

export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export type Security = (typeof SECURITY_MODES)[number];

/**
 * `exchange` is what Thunderbird 140+ reads for an Exchange (EWS/OWA/EAS) account; no other format
 * we serve can describe it, so those leave it out (see {@link ../protocols/reach}).
 */
export const INCOMING_TYPES = ['imap', 'pop3', 'exchange'] as const;
export type IncomingType = (typeof INCOMING_TYPES)[number];
export type ServerType = IncomingType | 'smtp';
/** Server types with a mail protocol of their own (RFC 6186 SRV, POX, Apple): all but exchange. */
export type MailProtocol = Exclude<ServerType, 'exchange'>;

/** Mozilla's vocabulary (protocols.md §1.5) is the one admins already know, so the config speaks it. */
export const AUTH_METHODS = [
  'password-cleartext',
  'password-encrypted',
  'OAuth2',
  'NTLM',
  'GSSAPI',
  'client-IP-address',
  'TLS-client-cert',
  'smtp-after-pop',
  'none',
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** Options of a POP3 server (autoconfig `<pop3>`), all hints to the client. */
export interface Pop3Options {
  readonly leaveMessagesOnServer?: boolean | undefined;
  readonly daysToLeaveMessagesOnServer?: number | undefined;
  readonly downloadOnBiff?: boolean | undefined;
  /** Minimum minutes between checks (`<checkInterval minutes>`). */
  readonly checkInterval?: number | undefined;
}

/** The web service URLs of an `exchange` incoming server. */
export interface ExchangeUrls {
  readonly owaURL?: string;
  readonly ewsURL?: string;
  readonly easURL?: string;
}

export interface ServerSettings {
  readonly type: ServerType;
  /**
   * Punycode host name. In a domain's settings it is literal (placeholders expanded for that
   * domain); {@link DomainSettings.templates} keeps the host as written for autoconfig.
   */
  readonly host: string;
  readonly port: number;
  readonly security: Security;
  /** In order of preference; never empty. */
  readonly auth: readonly AuthMethod[];
  /**
   * Login name template using the %EMAILADDRESS% / %EMAILLOCALPART% / %EMAILDOMAIN% placeholders;
   * empty when the server takes no login name (`username: none`).
   */
  readonly username: string;
  readonly pop3?: Pop3Options;
  readonly exchange?: ExchangeUrls;
  /** Autoconfig hint: reuse the account's global preferred (SMTP) server if there is one. */
  readonly useGlobalPreferredServer?: boolean;
  /** Outgoing only: autoconfig hint to add this SMTP server even if an equal one exists. */
  readonly addThisServer?: boolean;
  /** Outgoing only: the server also requires the client to be inside the provider's network. */
  readonly restriction?: 'client-IP-address';
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

/** A form field of a webmail login page, by id and/or name. */
export interface WebmailField {
  readonly id?: string | undefined;
  readonly name?: string | undefined;
}

export interface WebmailSettings {
  /** The login page people open (`<loginPage url>`). */
  readonly url: string;
  /** How a client could fill in the login form itself (`<loginPageInfo>`). */
  readonly loginPageInfo?: {
    readonly url: string;
    /** Login name template, like a server's. */
    readonly username: string;
    readonly usernameField: WebmailField;
    readonly passwordField?: WebmailField;
    readonly loginButton?: WebmailField;
  };
}

/** A page people must visit to switch IMAP/POP on before a client can connect (`<enable>`). */
export interface EnableStep {
  readonly visitUrl: string;
  /** Instruction per language tag. */
  readonly instructions: Readonly<Record<string, string>>;
}

/**
 * The values of a domain as written, where they contain `%EMAILDOMAIN%`: autoconfig sends these so
 * Thunderbird fills in the user's own domain. Absent when nothing is templated.
 */
export interface DomainTemplates {
  readonly providerName: string;
  /** Absent when the config names no short name (it then follows the name). */
  readonly providerShortName?: string;
  readonly incoming: readonly ServerSettings[];
  readonly outgoing: readonly ServerSettings[];
  readonly webmail?: WebmailSettings;
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
  /** Help pages, in the order written. */
  readonly documentation: readonly DocumentationLink[];
  /** Localised help text for people, by language tag. */
  readonly help?: Readonly<Record<string, string>>;
  readonly webmail?: WebmailSettings;
  readonly enable?: EnableStep;
  readonly activeSync?: { readonly url: string };
  readonly caldav?: DavSettings;
  readonly carddav?: DavSettings;
  /**
   * Absent either when no server uses OAuth2 or when every OAuth2 server is one Thunderbird knows
   * the issuer of by host name (see core/known-oauth2).
   */
  readonly oauth2?: OAuth2Settings;
  /** As written, when a value holds `%EMAILDOMAIN%`; the fields above are expanded for `domain`. */
  readonly templates?: DomainTemplates;
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

/** The short name clients show when the config names none: the name if short, else the domain's first label. */
export function defaultShortName(name: string, domain: string): string {
  return name.length <= 20 ? name : (domain.split('.')[0] ?? domain).slice(0, 20);
}

export const DEFAULT_DNS_TTL = 3600;

/** The standard port for each server type and security mode (RFC 8314 §3.3, RFC 6186). */
export const DEFAULT_PORTS: Readonly<Record<ServerType, Readonly<Record<Security, number>>>> = {
  imap: { tls: 993, starttls: 143, none: 143 },
  exchange: { tls: 443, starttls: 443, none: 80 },
  pop3: { tls: 995, starttls: 110, none: 110 },
  smtp: { tls: 465, starttls: 587, none: 587 },
};
