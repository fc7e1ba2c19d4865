import { knownOAuth2Issuer } from '../core/known-oauth2';
import { usernameTemplate } from '../core/username';
import { loginWord, Reader, type Loss } from './reader';
import { readServer, type ServerData } from './server-element';
import type { XmlElement } from './xml-tree';

/**
 * Mozilla clientConfig v1.1 (an ISPDB file, or what an autoconfig server sends) read into the
 * YAML model, element by element. Every element, attribute value or text that has no place in the
 * model is reported with its line: nothing is dropped silently.
 */

export type { Loss } from './reader';

export interface ImportedProvider {
  /** The domain the YAML file is for (and named after). */
  readonly domain: string;
  /** The YAML document as plain data, keys in the order they are written. */
  readonly entry: Record<string, unknown>;
  readonly losses: readonly Loss[];
}

const DAV_AUTH = new Set(['http-basic', 'http-digest', 'OAuth2']);

function localised(reader: Reader, parent: XmlElement, childName: string): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const child of parent.children) {
    if (child.name !== childName) {
      reader.lose(child, 'element has no place in the model');
      continue;
    }
    reader.attributes(child, ['lang']);
    // A text without lang is read as English, the language ISPDB files default to.
    const lang = child.attrs.get('lang') ?? 'en';
    if (lang in texts) reader.lose(child, `a second text for language ${lang}`);
    else texts[lang] = reader.text(child);
  }
  return texts;
}

function formField(reader: Reader, element: XmlElement): Record<string, string> {
  reader.attributes(element, ['id', 'name']);
  const id = element.attrs.get('id');
  const name = element.attrs.get('name');
  return { ...(id !== undefined && { id }), ...(name !== undefined && { name }) };
}

function readWebmail(reader: Reader, element: XmlElement): unknown {
  reader.attributes(element, []);
  let url: string | undefined;
  let info: Record<string, unknown> | undefined;
  for (const child of element.children) {
    if (child.name === 'loginPage') {
      reader.attributes(child, ['url']);
      url = child.attrs.get('url');
    } else if (child.name === 'loginPageInfo') {
      reader.attributes(child, ['url']);
      info = { url: child.attrs.get('url') };
      for (const part of child.children) {
        if (part.name === 'username') {
          reader.attributes(part, []);
          const template = usernameTemplate(reader.text(part));
          if (template.ok) info.username = loginWord(template.template);
          else reader.lose(part, `login name cannot be kept: ${template.reason}`);
        } else if (['usernameField', 'passwordField', 'loginButton'].includes(part.name)) {
          info[part.name] = formField(reader, part);
        } else reader.lose(part, 'element has no place in the model');
      }
    } else reader.lose(child, 'element has no place in the model');
  }
  if (url === undefined) {
    reader.lose(element, 'webMail without a loginPage url: left out');
    return undefined;
  }
  return info ? { url, loginPageInfo: info } : url;
}

function readOAuth2(reader: Reader, element: XmlElement): Record<string, string> {
  reader.attributes(element, []);
  const block: Record<string, string> = {};
  for (const child of element.children) {
    reader.attributes(child, []);
    if (['issuer', 'scope', 'authURL', 'tokenURL'].includes(child.name))
      block[child.name] = reader.text(child);
    else reader.lose(child, 'element has no place in the model');
  }
  return block;
}

function readDav(reader: Reader, element: XmlElement, expected: string): Record<string, unknown> | undefined {
  reader.attributes(element, ['type']);
  if (element.attrs.get('type') !== expected) {
    reader.lose(element, `only type="${expected}" is kept`);
    return undefined;
  }
  const dav: Record<string, unknown> = {};
  for (const child of element.children) {
    reader.attributes(child, []);
    if (child.name === 'serverURL') dav.url = reader.text(child);
    else if (child.name === 'username') {
      const template = usernameTemplate(reader.text(child));
      if (template.ok) dav.username = loginWord(template.template);
      else reader.lose(child, `login name cannot be kept: ${template.reason}`);
    } else if (child.name === 'authentication' && DAV_AUTH.has(reader.text(child)))
      dav.auth = reader.text(child);
    else reader.lose(child, 'element has no place in the model');
  }
  return dav.url === undefined ? undefined : dav;
}

/** Reads a parsed clientConfig document; an error when it is not one. */
export function readClientConfig(
  root: XmlElement,
): { ok: true; providers: ImportedProvider[] } | { ok: false; line: number; message: string } {
  if (root.name !== 'clientConfig')
    return { ok: false, line: root.line, message: `expected <clientConfig>, found <${root.name}>` };
  const shared = new Reader();
  shared.attributes(root, ['version']);
  const providers: XmlElement[] = [];
  const top: Record<string, unknown> = {};
  for (const child of root.children) {
    switch (child.name) {
      case 'emailProvider':
        providers.push(child);
        break;
      case 'webMail': {
        const webmail = readWebmail(shared, child);
        if (webmail !== undefined) top.webmail = webmail;
        break;
      }
      case 'oAuth2':
        top.oauth2 = readOAuth2(shared, child);
        break;
      case 'addressBook':
      case 'addressbook': {
        const dav = readDav(shared, child, 'carddav');
        if (dav) top.carddav = dav;
        break;
      }
      case 'calendar': {
        const dav = readDav(shared, child, 'caldav');
        if (dav) top.caldav = dav;
        break;
      }
      case 'clientConfigUpdate':
        shared.lose(child, 'where to re-fetch the file is up to the server that publishes it');
        break;
      default:
        shared.lose(child, 'element has no place in the model');
    }
  }
  if (providers.length === 0)
    return { ok: false, line: root.line, message: 'no <emailProvider> in the file' };
  return {
    ok: true,
    providers: providers.map((element, index) => {
      const reader = new Reader();
      const entry = readProvider(reader, element, top);
      return {
        domain:
          typeof entry.domain === 'string'
            ? entry.domain
            : (element.attrs.get('id') ?? `provider-${index + 1}`),
        entry,
        // Losses outside emailProvider belong to every provider of the file.
        losses: [...shared.losses, ...reader.losses].sort((a, b) => a.line - b.line),
      };
    }),
  };
}

function readProvider(
  reader: Reader,
  element: XmlElement,
  top: Record<string, unknown>,
): Record<string, unknown> {
  reader.attributes(element, ['id']);
  const domains: string[] = [];
  const provider: Record<string, string> = {};
  const incoming: ServerData[] = [];
  const outgoing: ServerData[] = [];
  const documentation: Record<string, unknown>[] = [];
  let enable: Record<string, unknown> | undefined;
  const own: Record<string, unknown> = {};
  for (const child of element.children) {
    switch (child.name) {
      case 'domain':
        reader.attributes(child, []);
        domains.push(reader.text(child).toLowerCase());
        break;
      case 'displayName':
        reader.attributes(child, []);
        provider.name = reader.text(child);
        break;
      case 'displayShortName':
        reader.attributes(child, []);
        provider.shortName = reader.text(child);
        break;
      case 'incomingServer':
      case 'outgoingServer': {
        const server = readServer(reader, child, child.name === 'incomingServer' ? 'incoming' : 'outgoing');
        if (server) (child.name === 'incomingServer' ? incoming : outgoing).push(server);
        break;
      }
      case 'documentation': {
        reader.attributes(child, ['url']);
        const description = localised(reader, child, 'descr');
        documentation.push({
          url: child.attrs.get('url'),
          ...(Object.keys(description).length > 0 && { description }),
        });
        break;
      }
      case 'enable': {
        reader.attributes(child, ['visiturl']);
        const instructions = localised(reader, child, 'instruction');
        enable = {
          visitUrl: child.attrs.get('visiturl'),
          ...(Object.keys(instructions).length > 0 && { instructions }),
        };
        break;
      }
      // Some files put these inside emailProvider; they mean the same there.
      case 'webMail': {
        const webmail = readWebmail(reader, child);
        if (webmail !== undefined) own.webmail = webmail;
        break;
      }
      case 'oAuth2':
        own.oauth2 = readOAuth2(reader, child);
        break;
      default:
        reader.lose(child, 'element has no place in the model');
    }
  }
  const id = element.attrs.get('id')?.toLowerCase();
  // The file's id is the primary domain when it is one of its domains; the model has no separate id.
  const primary = id !== undefined && domains.includes(id) ? id : domains[0];
  if (id !== undefined && primary !== id)
    reader.lose(
      element,
      `emailProvider id "${id}" is not one of its domains: the model names a provider by its first domain`,
    );
  // A short name alone: the model needs a name, and without one clients are shown the domain anyway.
  if (provider.shortName !== undefined && provider.name === undefined && primary !== undefined)
    provider.name = primary;
  const aliases = [...domains];
  if (primary !== undefined) aliases.splice(aliases.indexOf(primary), 1);

  // Without an oAuth2 block, Thunderbird uses OAuth2 only on hosts it knows the issuer of; on any
  // other host the method means nothing to it, and the model refuses it there (no issuer to name).
  if (top.oauth2 === undefined && own.oauth2 === undefined) {
    for (const list of [incoming, outgoing]) {
      for (const server of [...list]) {
        const auth = server.data.auth;
        const methods = Array.isArray(auth) ? (auth as string[]) : [String(auth)];
        const host = String(server.data.host).replace('%EMAILDOMAIN%', primary ?? 'example.com');
        if (!methods.includes('OAuth2') || knownOAuth2Issuer(host) !== undefined) continue;
        const rest = methods.filter((method) => method !== 'OAuth2');
        const why = `OAuth2 on ${String(server.data.host)}, whose issuer Thunderbird does not know, without an <oAuth2> block names no issuer`;
        if (rest.length === 0) {
          reader.lose(server.element, `${why}: the server is left out`);
          list.splice(list.indexOf(server), 1);
        } else {
          reader.lose(server.element, `${why}: the method is left out`);
          server.data.auth = rest.length === 1 ? rest[0] : rest;
        }
      }
    }
  }

  // One login policy for the domain when every server shares it, as a person would write it.
  const all = [...incoming, ...outgoing];
  const logins = new Set(all.map((server) => server.username ?? ''));
  const shared = logins.size === 1 ? all[0]?.username : undefined;
  const sharedLogin = logins.size === 1;
  // Written in the order a person reads a server: what, where, how to log in, then the hints.
  const servers = (list: ServerData[]) =>
    list.map(({ data, username }) => {
      const { type, host, port, security, auth, ...hints } = data;
      return {
        ...(type !== undefined && { type }),
        host,
        ...(port !== undefined && { port }),
        security,
        auth,
        ...(!sharedLogin && { username: loginWord(username) }),
        ...hints,
      };
    });
  return {
    domain: primary,
    ...(aliases.length > 0 && { aliases }),
    ...(Object.keys(provider).length > 0 && { provider }),
    ...(sharedLogin && all.length > 0 && { username: loginWord(shared) }),
    ...(incoming.length > 0 && { incoming: servers(incoming) }),
    ...(outgoing.length > 0 && { outgoing: servers(outgoing) }),
    ...(documentation.length === 1 && { documentation: documentation[0] }),
    ...(documentation.length > 1 && { documentation }),
    ...(enable && { enable }),
    ...top,
    ...own,
  };
}
