import { normalizeDomain, normalizeIpAddress } from '../core/address';
import {
  DEFAULT_DNS_TTL,
  DEFAULT_PORTS,
  type AuthMethod,
  type DavSettings,
  type DocumentationLink,
  type DomainSettings,
  type ServerSettings,
  type ServerType,
  type ServiceSettings,
} from '../core/settings';
import { usernameTemplate } from '../core/username';
import { formatPath, type ConfigProblem, type PathSegment } from './problems';
import type { DomainEntryInput, ProfileInput, ServerInput, ServiceInput } from './schema';
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
  return `${source.file}:${pos.line}:${pos.col}`;
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
    const domain = normalizeDomain(entry.domain) as string; // the schema has checked it
    const aliases = (entry.aliases ?? []).map((alias) => normalizeDomain(alias) as string);

    let duplicate = false;
    for (const [index, name] of [domain, ...aliases].entries()) {
      const first = owners.get(name);
      const sub: PathSegment[] = index === 0 ? ['domain'] : ['aliases', index - 1];
      if (first) {
        fail(sub, `domain ${name} is already defined at ${where(first.source, first.path)}`);
        duplicate = true;
      } else {
        owners.set(name, item);
      }
    }
    if (!merged.incoming) fail([], 'no incoming servers: set "incoming" here or in the profile it extends');
    if (!merged.outgoing) fail([], 'no outgoing servers: set "outgoing" here or in the profile it extends');
    if (duplicate || !merged.incoming || !merged.outgoing) return;

    const domainUsername = merged.username ?? 'email';
    const domainAuth = toAuthList(merged.auth) ?? DEFAULT_AUTH;
    const servers = (inputs: readonly ServerInput[], type: ServerType | 'incoming') =>
      sharedServers(inputs, type, domainUsername, domainAuth);
    const dav = (input: NonNullable<typeof merged.caldav>): DavSettings => ({
      url: input.url,
      username: template(input.username ?? domainUsername),
      auth: input.auth ?? 'http-basic',
    });

    const name = merged.provider?.name ?? domain;
    const settings: DomainSettings = {
      domain,
      aliases: aliases.length === 0 ? NO_ALIASES : aliases,
      provider: {
        name,
        shortName:
          merged.provider?.shortName ?? (name.length <= 20 ? name : domain.split('.')[0]!.slice(0, 20)),
      },
      incoming: servers(merged.incoming, 'incoming'),
      outgoing: servers(merged.outgoing, 'smtp'),
      ...(merged.documentation && { documentation: sharedDocumentation(merged.documentation) }),
      ...(merged.help && { help: merged.help }),
      ...(merged.webmail && { webmail: merged.webmail }),
      ...(merged.activeSync && { activeSync: { url: merged.activeSync.url } }),
      ...(merged.caldav && { caldav: dav(merged.caldav) }),
      ...(merged.carddav && { carddav: dav(merged.carddav) }),
      ...(merged.oauth2 && { oauth2: merged.oauth2 }),
      source: { file: source.file, path: formatPath(path) },
    };
    const usesOAuth2 = [...settings.incoming, ...settings.outgoing].some((s) => s.auth.includes('OAuth2'));
    if (usesOAuth2 && !settings.oauth2) {
      fail(
        [],
        'a server uses OAuth2 authentication but no "oauth2" block (issuer, scope, authURL, tokenURL) is set',
      );
      return;
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
    ...(input.service.publicHost && { publicHost: normalizeDomain(input.service.publicHost) as string }),
    publicAddresses: (input.service.publicAddresses ?? []).map(normalizeIpAddress),
    hostAddresses: new Map(
      Object.entries(input.service.hostAddresses ?? {}).map(([host, addresses]) => [
        normalizeDomain(host) as string,
        addresses.map(normalizeIpAddress),
      ]),
    ),
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

function sharedServers(
  inputs: readonly ServerInput[],
  type: ServerType | 'incoming',
  domainUsername: string,
  domainAuth: readonly AuthMethod[],
): readonly ServerSettings[] {
  let byPolicy = serverListCache.get(inputs);
  if (!byPolicy) serverListCache.set(inputs, (byPolicy = new Map<string, readonly ServerSettings[]>()));
  const key = `${type}\n${domainUsername}\n${domainAuth.join(',')}`;
  let list = byPolicy.get(key);
  if (!list) {
    list = Object.freeze(
      inputs.map((input): ServerSettings => {
        const serverType = type === 'incoming' ? (input as { type: ServerType }).type : type;
        return {
          type: serverType,
          host: normalizeDomain(input.host) as string,
          port: input.port ?? DEFAULT_PORTS[serverType][input.security],
          security: input.security,
          auth: toAuthList(input.auth) ?? domainAuth,
          username: template(input.username ?? domainUsername),
        };
      }),
    );
    byPolicy.set(key, list);
  }
  return list;
}

const documentationCache = new WeakMap<NonNullable<ProfileInput['documentation']>, DocumentationLink>();

function sharedDocumentation(input: NonNullable<ProfileInput['documentation']>): DocumentationLink {
  let link = documentationCache.get(input);
  if (!link) {
    link = { url: input.url, description: input.description ?? {} };
    documentationCache.set(input, link);
  }
  return link;
}

/** Later layers replace earlier ones key by key; `provider` is merged so a domain can rename only. */
function mergeLayers(layers: readonly ProfileInput[]): ProfileInput {
  const merged: ProfileInput = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer) as [keyof ProfileInput, unknown][]) {
      if (value === undefined) continue;
      if (key === 'provider')
        merged.provider = {
          ...merged.provider,
          ...(value as ProfileInput['provider']),
        } as ProfileInput['provider'];
      else (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}

function toAuthList(auth: ProfileInput['auth']): AuthMethod[] | undefined {
  if (auth === undefined) return undefined;
  return [...new Set(typeof auth === 'string' ? [auth] : auth)];
}

function template(policy: string): string {
  const result = usernameTemplate(policy);
  // The schema rejects invalid policies before resolution, so this cannot fail here.
  return result.ok ? result.template : policy;
}
