import { defaultShortName, type DomainSettings, type ServerSettings, type WebmailSettings } from './settings';

/**
 * `%EMAILDOMAIN%` in host names, provider names and webmail URLs (ISPDB files use it for hosters
 * whose customers reach `mail.<their domain>`). Thunderbird fills it in itself in `hostname` and
 * `displayName`; everywhere else a literal is needed, so it is expanded per served name.
 */
export const DOMAIN_PLACEHOLDER = '%EMAILDOMAIN%';

export function hasDomainPlaceholder(text: string): boolean {
  return text.includes(DOMAIN_PLACEHOLDER);
}

/** The text with the placeholder replaced by `domain` (a function replacer: no `$` patterns). */
export function expandDomain(text: string, domain: string): string {
  return text.split(DOMAIN_PLACEHOLDER).join(domain);
}

export function expandServers(servers: readonly ServerSettings[], domain: string): readonly ServerSettings[] {
  if (!servers.some((server) => hasDomainPlaceholder(server.host))) return servers;
  return servers.map((server) =>
    hasDomainPlaceholder(server.host) ? { ...server, host: expandDomain(server.host, domain) } : server,
  );
}

export function expandWebmail(webmail: WebmailSettings, domain: string): WebmailSettings {
  const { loginPageInfo } = webmail;
  return {
    url: expandDomain(webmail.url, domain),
    ...(loginPageInfo && {
      loginPageInfo: { ...loginPageInfo, url: expandDomain(loginPageInfo.url, domain) },
    }),
  };
}

const perName = new WeakMap<DomainSettings, Map<string, DomainSettings>>();

/**
 * The settings as seen from one served name (the domain or an alias): for a templated domain the
 * hosts, provider name and webmail URLs are expanded for that name. Untemplated settings are
 * returned as they are, so this costs nothing for the common case.
 */
export function settingsForName(settings: DomainSettings, name: string): DomainSettings {
  const templates = settings.templates;
  if (!templates || name === settings.domain) return settings;
  let byName = perName.get(settings);
  if (!byName) perName.set(settings, (byName = new Map<string, DomainSettings>()));
  let view = byName.get(name);
  if (!view) {
    view = {
      ...settings,
      provider: {
        name: expandDomain(templates.providerName, name),
        // Thunderbird fills placeholders in displayName only, so the short name goes out filled in.
        shortName:
          templates.providerShortName === undefined
            ? defaultShortName(expandDomain(templates.providerName, name), settings.domain)
            : expandDomain(templates.providerShortName, name),
      },
      incoming: expandServers(templates.incoming, name),
      outgoing: expandServers(templates.outgoing, name),
      ...(templates.webmail && { webmail: expandWebmail(templates.webmail, name) }),
    };
    byName.set(name, view);
  }
  return view;
}
