import type { EmailAddress } from '../core/address';
import type { DomainSettings, ServerSettings } from '../core/settings';
import { describeUsername, expandUsername } from '../core/username';
import type { DnsFact, DomainPageFacts } from './domain-facts';
import { localised, type Language } from './i18n';

export type LoginPolicy = ReturnType<typeof describeUsername>;

/** A server as the page shows it: its settings, with the login expanded for the visitor. */
export interface ServerView extends Omit<ServerSettings, 'username'> {
  /** Stable per page, used to tie copy buttons to their value. */
  readonly id: string;
  /** The exact text to type as username for this server. */
  readonly username: string;
  readonly rank: 'recommended' | 'alternative';
}

/**
 * Links to the Apple profile routes of this service. The routes answer for POP-only domains too;
 * the page offers the link only where the domain has IMAP (see `hasImap`).
 */
export interface AppleProfileView {
  readonly href: string;
  readonly qrSrc: string;
}

export interface AdminView {
  readonly domain: string;
  readonly aliases: readonly string[];
  readonly policy: LoginPolicy;
  readonly template: string;
  readonly autoconfigUrls: readonly string[];
  readonly autodiscoverUrl: string;
  readonly hasCnameTarget: boolean;
  readonly dnsFacts: readonly DnsFact[];
}

export interface SettingsPageView {
  readonly kind: 'settings';
  readonly language: Language;
  readonly providerName: string;
  readonly address: string;
  readonly login: { readonly policy: LoginPolicy; readonly value: string };
  /** True when a per-server override makes some server's username differ from the main one. */
  readonly loginVaries: boolean;
  readonly incoming: readonly ServerView[];
  readonly outgoing: readonly ServerView[];
  readonly help: string | undefined;
  readonly documentation: readonly { readonly url: string; readonly text: string }[];
  readonly webmail: string | undefined;
  /** A page people must visit first to switch IMAP/POP on, with the instruction in their language. */
  readonly enable: { readonly url: string; readonly text: string | undefined } | undefined;
  readonly appleProfile: AppleProfileView | undefined;
  readonly admin: AdminView;
}

export interface FormPageView {
  readonly kind: 'form';
  readonly language: Language;
  /** The provider of the domain the Host header names, when it is a served one. */
  readonly providerName: string | undefined;
  readonly invalidAddress: boolean;
}

export interface UnknownDomainPageView {
  readonly kind: 'unknown-domain';
  readonly language: Language;
}

export type PageView = SettingsPageView | FormPageView | UnknownDomainPageView;

function withAddress(path: string, address: string): string {
  return `${path}?${new URLSearchParams({ emailaddress: address }).toString()}`;
}

function serverViews(
  servers: readonly ServerSettings[],
  address: EmailAddress,
  idPrefix: string,
): ServerView[] {
  return servers.map((server, index) => ({
    id: `${idPrefix}${index}`,
    type: server.type,
    host: server.host,
    port: server.port,
    security: server.security,
    auth: server.auth,
    username: expandUsername(server.username, address),
    rank: index === 0 ? 'recommended' : 'alternative',
    ...(server.pop3 && { pop3: server.pop3 }),
    ...(server.restriction && { restriction: server.restriction }),
  }));
}

export function settingsPageView(
  settings: DomainSettings,
  facts: DomainPageFacts,
  address: EmailAddress,
  language: Language,
): SettingsPageView {
  const incoming = serverViews(facts.incoming, address, 'in');
  const outgoing = serverViews(facts.outgoing, address, 'out');
  // The first incoming server sets the rule people are told; the schema requires one.
  const template = facts.incoming[0]?.username ?? facts.outgoing[0]?.username ?? '%EMAILADDRESS%';
  const login = { policy: describeUsername(template), value: expandUsername(template, address) };
  return {
    kind: 'settings',
    language,
    providerName: settings.provider.name,
    address: address.address,
    login,
    loginVaries: [...incoming, ...outgoing].some((server) => server.username !== login.value),
    incoming,
    outgoing,
    help: localised(settings.help, language),
    documentation: settings.documentation.map((link) => ({
      url: link.url,
      text: localised(link.description, language) ?? link.url,
    })),
    webmail: settings.webmail?.url,
    enable: settings.enable && {
      url: settings.enable.visitUrl,
      text: localised(settings.enable.instructions, language),
    },
    appleProfile: facts.hasImap
      ? {
          href: withAddress(facts.profilePaths.mobileconfig, address.address),
          qrSrc: withAddress(facts.profilePaths.qr, address.address),
        }
      : undefined,
    admin: {
      domain: settings.domain,
      aliases: settings.aliases,
      policy: login.policy,
      template,
      autoconfigUrls: facts.autoconfigUrls.map((url) => withAddress(url, address.address)),
      autodiscoverUrl: facts.autodiscoverUrl,
      hasCnameTarget: facts.cnameTarget !== undefined,
      dnsFacts: facts.dnsFacts,
    },
  };
}
