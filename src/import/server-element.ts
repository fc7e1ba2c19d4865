import { usernameTemplate } from '../core/username';
import type { Reader } from './reader';
import type { XmlElement } from './xml-tree';

/** `<incomingServer>` and `<outgoingServer>` of a clientConfig file, read into the model's words. */

const SOCKET_TYPES: Readonly<Record<string, string>> = { SSL: 'tls', STARTTLS: 'starttls', plain: 'none' };

/** Thunderbird's words, deprecated aliases included (protocols.md §1.5), to the model's. */
const AUTH_WORDS: Readonly<Record<string, string>> = {
  'password-cleartext': 'password-cleartext',
  plain: 'password-cleartext',
  'password-encrypted': 'password-encrypted',
  secure: 'password-encrypted',
  OAuth2: 'OAuth2',
  NTLM: 'NTLM',
  GSSAPI: 'GSSAPI',
  'client-IP-address': 'client-IP-address',
  'TLS-client-cert': 'TLS-client-cert',
  'smtp-after-pop': 'smtp-after-pop',
  'SMTP-after-POP': 'smtp-after-pop',
  none: 'none',
};

const INCOMING_TYPES = new Set(['imap', 'pop3', 'exchange']);

export interface ServerData {
  readonly data: Record<string, unknown>;
  readonly element: XmlElement;
  /** The login template as written; undefined when the server has no <username>. */
  readonly username: string | undefined;
}

export function readServer(
  reader: Reader,
  element: XmlElement,
  direction: 'incoming' | 'outgoing',
): ServerData | undefined {
  const type = element.attrs.get('type') ?? '';
  if (direction === 'incoming' ? !INCOMING_TYPES.has(type) : type !== 'smtp') {
    reader.lose(
      element,
      direction === 'incoming'
        ? `incoming type "${type}" is not one the model serves (imap, pop3, exchange)`
        : `outgoing type "${type}" is not smtp`,
    );
    return undefined;
  }
  reader.attributes(element, ['type']);
  const data: Record<string, unknown> = { type };
  let username: string | undefined;
  const auth: string[] = [];
  const pop3: Record<string, unknown> = {};
  let socketSeen = false;
  for (const child of element.children) {
    reader.attributes(child, child.name === 'checkInterval' ? ['minutes'] : []);
    switch (child.name) {
      case 'hostname':
        data.host = reader.text(child);
        break;
      case 'port': {
        const port = reader.integer(child);
        if (port !== undefined) data.port = port;
        break;
      }
      case 'socketType': {
        const security = SOCKET_TYPES[reader.text(child)];
        if (socketSeen) reader.lose(child, 'a second socketType: the model keeps one per server (the first)');
        else if (security === undefined)
          reader.lose(child, `unknown socketType ${JSON.stringify(reader.text(child))}`);
        else {
          data.security = security;
          socketSeen = true;
        }
        break;
      }
      case 'authentication': {
        const method = AUTH_WORDS[reader.text(child)];
        if (method === undefined)
          reader.lose(child, `unknown authentication ${JSON.stringify(reader.text(child))}`);
        else if (!auth.includes(method)) auth.push(method);
        break;
      }
      case 'username': {
        const written = reader.text(child);
        const template = usernameTemplate(written);
        if (template.ok) username = template.template;
        else reader.lose(child, `login name ${JSON.stringify(written)} cannot be kept: ${template.reason}`);
        break;
      }
      case 'password':
        reader.lose(child, 'a password in a published file is never carried over');
        break;
      case 'pop3':
        if (type !== 'pop3') reader.lose(child, '<pop3> on a server that is not pop3');
        else readPop3(reader, child, pop3);
        break;
      case 'owaURL':
      case 'ewsURL':
      case 'easURL':
        if (type !== 'exchange') reader.lose(child, `<${child.name}> on a server that is not exchange`);
        else data[child.name] = reader.text(child);
        break;
      case 'useGlobalPreferredServer':
      case 'addThisServer': {
        if (child.name === 'addThisServer' && direction === 'incoming') {
          reader.lose(child, '<addThisServer> is for outgoing servers');
          break;
        }
        const value = reader.boolean(child);
        if (value !== undefined) data[child.name] = value;
        break;
      }
      case 'restriction':
        if (direction === 'outgoing' && reader.text(child) === 'client-IP-address')
          data.restriction = 'client-IP-address';
        else
          reader.lose(child, `restriction ${JSON.stringify(reader.text(child))} has no place in the model`);
        break;
      default:
        reader.lose(child, 'element has no place in the model');
    }
  }
  if (data.host === undefined || data.security === undefined) {
    reader.lose(
      element,
      `server without ${data.host === undefined ? 'hostname' : 'a known socketType'}: left out`,
    );
    return undefined;
  }
  if (auth.length === 0) {
    reader.lose(element, 'no usable <authentication>: imported as password-cleartext');
    auth.push('password-cleartext');
  }
  data.auth = auth.length === 1 ? auth[0] : auth;
  if (Object.keys(pop3).length > 0) data.pop3 = pop3;
  if (direction === 'outgoing') delete data.type;
  return { data, username, element };
}

function readPop3(reader: Reader, element: XmlElement, into: Record<string, unknown>): void {
  reader.attributes(element, []);
  for (const child of element.children) {
    switch (child.name) {
      case 'leaveMessagesOnServer':
      case 'downloadOnBiff': {
        const value = reader.boolean(child);
        if (value !== undefined) into[child.name] = value;
        break;
      }
      case 'daysToLeaveMessagesOnServer': {
        const value = reader.integer(child);
        if (value !== undefined) into[child.name] = value;
        break;
      }
      case 'checkInterval': {
        const minutes = child.attrs.get('minutes');
        const value = minutes === undefined ? undefined : reader.integer(child, minutes);
        if (minutes === undefined) reader.lose(child, 'checkInterval without minutes');
        else if (value !== undefined) into.checkInterval = value;
        break;
      }
      default:
        reader.lose(child, 'element has no place in the model');
    }
  }
}
