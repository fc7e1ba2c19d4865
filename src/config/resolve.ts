import { normalizeDomain } from '../core/address';
import {
  DEFAULT_DNS_TTL,
  DEFAULT_PORTS,
  defaultShortName,
  type AuthMethod,
  type DavSettings,
  type DocumentationLink,
  type DomainSettings,
  type ServerSettings,
  type ServerType,
  type ServiceSettings,
  type WebmailSettings,
} from '../core/settings';
import { expandDomain, expandServers, expandWebmail, hasDomainPlaceholder } from '../core/domain-template';
import { knownOAuth2Issuer } from '../core/known-oauth2';
import { USERNAME_POLICIES } from '../core/username';
import { formatPath, type ConfigProblem, type PathSegment } from './problems';
import type {
  DomainEntryInput,
  IncomingServerInput,
  OutgoingServerInput,
  ProfileInput,
  ServerInput,
  ServiceInput,
} from './schema';
import { domainWarnings } from './warnings';
import type { YamlSource } from './yaml-source';

export interface ProfileSource {
  readonly name: string;
  readonly profile: ProfileInput;
  readonly source: YamlSource;
  readonly path: PathSegment[];
}

export interface DomainEntrySource {
  readonly entry: DomainEntryInput;
  readonly source: YamlSource;
  readonly path: PathSegment[];
  /** Where `extends` was written when it came from the file's `defaults`. */
  readonly extendsPath?: PathSegment[];
}

const DEFAULT_AUTH: readonly AuthMethod[] = ['password-cleartext'];

function where(source: YamlSource, path: readonly PathSegment[]): string {
  const pos = source.locate(path);
  // Line 0: a row of a SQL source, whose name already says where it is.
  return pos.line > 0 ? `${source.file}:${pos.line}:${pos.col}` : source.file;
}

type ResolveInput = {
  profiles: readonly ProfileSource[];
  entries: readonly DomainEntrySource[];
  service: ServiceInput;
  /** Warnings located (file:line:col) at most; the rest are only counted. Default: all. */
  warningLimit?: number;
};

type Resolved = {
  domains: DomainSettings[];
  service: ServiceSettings;
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
  /** Warnings found beyond `warningLimit`, not located. */
  warningsNotShown: number;
  /**
   * Reports a warning about a resolved domain, located at its entry, within the same limit: for
   * checks that span the whole config, which layers above run (DNS records).
   */
  warnAboutDomain: (settings: DomainSettings, path: readonly PathSegment[], message: string) => void;
  /** Warnings beyond the limit so far, {@link warnAboutDomain}'s included. */
  notShown: () => number;
};

/** Domains resolved between two pauses of {@link resolveSteps}: a few milliseconds of work. */
const DOMAINS_PER_STEP = 2000;

/**
 * Applies profiles (`extends`) to every domain entry, normalises names, fills defaults and checks
 * rules that span entries or files (duplicates, unknown profiles, cycles). A generator that pauses
 * every {@link DOMAINS_PER_STEP} domains, so a large load gives the event loop turns.
 */
export function* resolveSteps(input: ResolveInput): Generator<void, Resolved> {
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  // Locating a problem builds the positioned YAML document of its file, which for a hoster's
  // thousands of similar warnings would cost more than the whole load; a server at start-up needs
  // only the first few.
  const warningLimit = input.warningLimit ?? Infinity;
  let warningsNotShown = 0;
  const warn = (source: YamlSource, path: PathSegment[], message: string) => {
    if (warnings.length < warningLimit) warnings.push(source.problem(path, message, { severity: 'warning' }));
    else warningsNotShown++;
  };

  const profiles = new Map<string, ProfileSource>();
  for (const profile of input.profiles) {
    const first = profiles.get(profile.name);
    if (first) {
      errors.push(
        profile.source.problem(
          profile.path,
          `profile "${profile.name}" is already defined at ${where(first.source, first.path)}`,
        ),
      );
    } else {
      profiles.set(profile.name, profile);
    }
  }

  /** Profile layers from the root of the chain down to the direct parent; undefined on error. */
  const chainCache = new Map<string, ProfileInput[] | string>();
  const profileChain = (name: string, seen: string[] = []): ProfileInput[] | string => {
    const cached = chainCache.get(name);
    if (cached) return cached;
    const profile = profiles.get(name);
    let result: ProfileInput[] | string;
    if (!profile) {
      const known = [...profiles.keys()];
      result = `unknown profile "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (no profiles are defined)'}`;
    } else if (seen.includes(name)) {
      result = `profiles extend each other in a cycle: ${[...seen, name].join(' → ')}`;
    } else if (profile.profile.extends === undefined) {
      result = [profile.profile];
    } else {
      const parent = profileChain(profile.profile.extends, [...seen, name]);
      result = typeof parent === 'string' ? parent : [...parent, profile.profile];
    }
    if (seen.length === 0) chainCache.set(name, result);
    return result;
  };

  const domains: DomainSettings[] = [];
  const origins = new Map<DomainSettings, DomainEntrySource>();
  const owners = new Map<string, DomainEntrySource>();

  // The work per domain lives in a plain function: V8 optimises generator bodies less well.
  const resolveEntry = (item: DomainEntrySource): void => {
    const { entry, source, path } = item;
    const fail = (sub: PathSegment[], message: string) =>
      errors.push(source.problem([...path, ...sub], message));

    let layers: ProfileInput[] = [];
    if (entry.extends !== undefined) {
      const chain = profileChain(entry.extends);
      if (typeof chain === 'string') {
        if (item.extendsPath) errors.push(source.problem(item.extendsPath, chain));
        else fail(['extends'], chain);
        return;
      }
      layers = chain;
    }
    const merged = mergeLayers([...layers, entry]);
    const domain = entry.domain;
    const aliases: string[] = [];
    let duplicate = false;
    const claim = (name: string, sub: PathSegment[]) => {
      const first = owners.get(name);
      if (first === item || aliases.includes(name)) {
        warn(source, [...path, ...sub], `${name} is listed twice for this domain; it is served once`);
      } else if (first) {
        fail(sub, `domain ${name} is already defined at ${where(first.source, first.path)}`);
        duplicate = true;
      } else {
        owners.set(name, item);
        if (sub[0] === 'aliases') aliases.push(name);
      }
    };
    claim(domain, ['domain']);
    (entry.aliases ?? []).forEach((alias, index) => claim(alias, ['aliases', index]));
    if (!merged.incoming) fail([], 'no incoming servers: set "incoming" here or in the profile it extends');
    if (!merged.outgoing) fail([], 'no outgoing servers: set "outgoing" here or in the profile it extends');
    if (duplicate || !merged.incoming || !merged.outgoing) return;

    const domainUsername: string = merged.username ?? USERNAME_POLICIES.email;
    const domainAuth = merged.auth ?? DEFAULT_AUTH;
    const incomingAsWritten = sharedServers(merged.incoming, incomingSettings, domainUsername, domainAuth);
    const outgoingAsWritten = sharedServers(merged.outgoing, outgoingSettings, domainUsername, domainAuth);
    const dav = (input: NonNullable<typeof merged.caldav>): DavSettings => ({
      url: input.url,
      username: input.username ?? domainUsername,
      auth: input.auth ?? 'http-basic',
    });

    const webmail = merged.webmail === undefined ? undefined : toWebmail(merged.webmail, domainUsername);
    // Placeholders are checked again once filled in with every served name (a long domain can
    // push a label or the whole name past its limit).
    let badTemplate = false;
    const checkExpansion = (servers: readonly ServerSettings[], key: 'incoming' | 'outgoing') =>
      servers.forEach((server, index) => {
        if (!hasDomainPlaceholder(server.host)) return;
        for (const name of [domain, ...aliases]) {
          const host = expandDomain(server.host, name);
          if (normalizeDomain(host) !== host) {
            fail(
              [key, index, 'host'],
              `${server.host} filled in for ${name} gives ${host}, which is not a valid host name`,
            );
            badTemplate = true;
            return;
          }
        }
      });
    checkExpansion(incomingAsWritten, 'incoming');
    checkExpansion(outgoingAsWritten, 'outgoing');
    const webmailUrls = [
      { url: webmail?.url, path: ['webmail'] },
      { url: webmail?.loginPageInfo?.url, path: ['webmail', 'loginPageInfo', 'url'] },
    ];
    for (const { url, path: sub } of webmailUrls) {
      if (url === undefined || !hasDomainPlaceholder(url)) continue;
      const bad = [domain, ...aliases].find((name) => !urlHostIsValid(expandDomain(url, name)));
      if (bad !== undefined) {
        fail(sub, `${url} filled in for ${bad} is not a valid URL`);
        badTemplate = true;
      }
    }
    if (badTemplate) return;

    // The ActiveSync answers (mobilesync, v2 JSON) carry one EAS URL: the configured one, else the
    // easURL of the first Exchange server, when it is https (those answers never send http).
    const activeSync =
      merged.activeSync?.url ??
      incomingAsWritten
        .map((server) => server.exchange?.easURL)
        .find((url) => url?.startsWith('https://') && !hasDomainPlaceholder(url));
    const writtenName = merged.provider?.name ?? domain;
    const writtenShortName = merged.provider?.shortName;
    const name = expandDomain(writtenName, domain);
    const templated =
      hasDomainPlaceholder(writtenName) ||
      hasDomainPlaceholder(writtenShortName ?? '') ||
      incomingAsWritten.some((server) => hasDomainPlaceholder(server.host)) ||
      outgoingAsWritten.some((server) => hasDomainPlaceholder(server.host)) ||
      (webmail !== undefined &&
        (hasDomainPlaceholder(webmail.url) || hasDomainPlaceholder(webmail.loginPageInfo?.url ?? '')));
    const settings: DomainSettings = {
      domain,
      aliases: aliases.length === 0 ? NO_ALIASES : aliases,
      provider: {
        name,
        shortName:
          writtenShortName === undefined
            ? defaultShortName(name, domain)
            : expandDomain(writtenShortName, domain),
      },
      incoming: expandServers(incomingAsWritten, domain),
      outgoing: expandServers(outgoingAsWritten, domain),
      documentation: merged.documentation ? sharedDocumentation(merged.documentation) : NO_DOCUMENTATION,
      ...(merged.help && { help: merged.help }),
      ...(webmail && { webmail: expandWebmail(webmail, domain) }),
      ...(merged.enable && {
        enable: { visitUrl: merged.enable.visitUrl, instructions: merged.enable.instructions ?? {} },
      }),
      ...(activeSync !== undefined && { activeSync: { url: activeSync } }),
      ...(merged.caldav && { caldav: dav(merged.caldav) }),
      ...(merged.carddav && { carddav: dav(merged.carddav) }),
      ...(merged.oauth2 && { oauth2: merged.oauth2 }),
      ...(templated && {
        templates: {
          providerName: writtenName,
          ...(writtenShortName !== undefined && { providerShortName: writtenShortName }),
          incoming: incomingAsWritten,
          outgoing: outgoingAsWritten,
          ...(webmail && { webmail }),
        },
      }),
      source: { file: source.file, path: formatPath(path) },
    };
    if (!settings.oauth2) {
      const unknown = [...settings.incoming, ...settings.outgoing].find(
        (server) => server.auth.includes('OAuth2') && knownOAuth2Issuer(server.host) === undefined,
      );
      if (unknown) {
        fail(
          [],
          `${unknown.host} uses OAuth2 authentication, but Thunderbird does not know its issuer by host name: ` +
            'add an "oauth2" block (issuer, scope, authURL, tokenURL) or remove OAuth2 from its auth list',
        );
        return;
      }
    }
    const davOAuth2 = (['caldav', 'carddav'] as const).find((key) => settings[key]?.auth === 'OAuth2');
    if (davOAuth2 && !settings.oauth2) {
      fail(
        [],
        `${davOAuth2} uses OAuth2 authentication but no "oauth2" block (issuer, scope, authURL, tokenURL) is set`,
      );
      return;
    }
    for (const warning of domainWarnings(settings)) {
      warn(source, [...path, ...warning.path], warning.message);
    }
    domains.push(settings);
    origins.set(settings, item);
  };
  for (const [position, item] of input.entries.entries()) {
    if (position % DOMAINS_PER_STEP === DOMAINS_PER_STEP - 1) yield;
    resolveEntry(item);
  }

  const service: ServiceSettings = {
    ...(input.service.publicHost && { publicHost: input.service.publicHost }),
    publicAddresses: input.service.publicAddresses ?? [],
    hostAddresses: new Map(Object.entries(input.service.hostAddresses ?? {})),
    dnsTtl: input.service.dnsTtl ?? DEFAULT_DNS_TTL,
    tlsAllowApex: input.service.tls?.allowApex ?? false,
  };
  const warnAboutDomain = (settings: DomainSettings, path: readonly PathSegment[], message: string) => {
    const origin = origins.get(settings);
    if (origin) warn(origin.source, [...origin.path, ...path], message);
  };
  return {
    domains,
    service,
    errors,
    warnings,
    warningsNotShown,
    warnAboutDomain,
    notShown: () => warningsNotShown,
  };
}

const NO_ALIASES: readonly string[] = Object.freeze([]);

/**
 * Resolved server lists by input list, login policy and auth. Domains that take their servers from
 * a profile all hold the same input array, so 100,000 domains of a few profiles share a few lists
 * instead of each owning copies; renderers can then share what they derive from a list too.
 */
const serverListCache = new WeakMap<readonly ServerInput[], Map<string, readonly ServerSettings[]>>();

function sharedServers<Input extends ServerInput>(
  inputs: readonly Input[],
  settings: (input: Input, domainUsername: string, domainAuth: readonly AuthMethod[]) => ServerSettings,
  domainUsername: string,
  domainAuth: readonly AuthMethod[],
): readonly ServerSettings[] {
  let byPolicy = serverListCache.get(inputs);
  if (!byPolicy) serverListCache.set(inputs, (byPolicy = new Map<string, readonly ServerSettings[]>()));
  const key = `${domainUsername}\n${domainAuth.join(',')}`;
  let list = byPolicy.get(key);
  if (!list) {
    list = Object.freeze(inputs.map((input) => settings(input, domainUsername, domainAuth)));
    byPolicy.set(key, list);
  }
  return list;
}

/** What every server shares; the schema has normalised host, auth and login already. */
function commonSettings(
  input: ServerInput,
  type: ServerType,
  domainUsername: string,
  domainAuth: readonly AuthMethod[],
): ServerSettings {
  return {
    type,
    host: input.host,
    port: input.port ?? DEFAULT_PORTS[type][input.security],
    security: input.security,
    auth: input.auth ?? domainAuth,
    username: input.username ?? domainUsername,
    ...(input.useGlobalPreferredServer !== undefined && {
      useGlobalPreferredServer: input.useGlobalPreferredServer,
    }),
  };
}

function incomingSettings(
  input: IncomingServerInput,
  domainUsername: string,
  domainAuth: readonly AuthMethod[],
): ServerSettings {
  const exchange = {
    ...(input.owaURL !== undefined && { owaURL: input.owaURL }),
    ...(input.ewsURL !== undefined && { ewsURL: input.ewsURL }),
    ...(input.easURL !== undefined && { easURL: input.easURL }),
  };
  return {
    ...commonSettings(input, input.type, domainUsername, domainAuth),
    ...(input.pop3 && { pop3: input.pop3 }),
    ...(Object.keys(exchange).length > 0 && { exchange }),
  };
}

function outgoingSettings(
  input: OutgoingServerInput,
  domainUsername: string,
  domainAuth: readonly AuthMethod[],
): ServerSettings {
  return {
    ...commonSettings(input, 'smtp', domainUsername, domainAuth),
    ...(input.addThisServer !== undefined && { addThisServer: input.addThisServer }),
    ...(input.restriction !== undefined && { restriction: input.restriction }),
  };
}

const documentationCache = new WeakMap<
  NonNullable<ProfileInput['documentation']>,
  readonly DocumentationLink[]
>();
const NO_DOCUMENTATION: readonly DocumentationLink[] = Object.freeze([]);

function sharedDocumentation(
  input: NonNullable<ProfileInput['documentation']>,
): readonly DocumentationLink[] {
  let links = documentationCache.get(input);
  if (!links) {
    links = Object.freeze(input.map((link) => ({ url: link.url, description: link.description ?? {} })));
    documentationCache.set(input, links);
  }
  return links;
}

function urlHostIsValid(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return normalizeDomain(host) === host;
  } catch {
    return false;
  }
}

function toWebmail(input: NonNullable<ProfileInput['webmail']>, domainUsername: string): WebmailSettings {
  if (typeof input === 'string') return { url: input };
  const info = input.loginPageInfo;
  return {
    url: input.url,
    ...(info && {
      loginPageInfo: {
        url: info.url,
        username: info.username ?? domainUsername,
        usernameField: info.usernameField,
        ...(info.passwordField && { passwordField: info.passwordField }),
        ...(info.loginButton && { loginButton: info.loginButton }),
      },
    }),
  };
}

/** Later layers replace earlier ones key by key; `provider` is merged so a domain can rename only. */
function mergeLayers(layers: readonly ProfileInput[]): ProfileInput {
  return layers.reduce<ProfileInput>((merged, layer) => {
    const provider = layer.provider ? { ...merged.provider, ...layer.provider } : merged.provider;
    return { ...merged, ...layer, ...(provider && { provider }) };
  }, {});
}
