import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { AuthMethod, DomainSettings, MailProtocol, Security, ServerSettings } from '../core/settings';
import { expandUsername } from '../core/username';
import { NS } from './autodiscover-namespaces';
import { SlotRecorder, type PreparedText } from './prepared-text';
import { poxServers } from './reach';

/**
 * Outlook POX Autodiscover response for IMAP/POP3/SMTP (MS-OXDSCLI §2.2.4; protocols.md §2.4).
 * Everything but the address-derived values (DisplayName, LoginName) depends only on the config,
 * so the document is prepared once per domain and filled per request.
 */

const PROTOCOL_TYPE = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const satisfies Record<
  MailProtocol,
  string
>;

/**
 * Thunderbird reads `SSL off` as plaintext and otherwise guesses the TLS mode from the port, while
 * Outlook obeys `Encryption`. `SSL on` plus an explicit `Encryption` is the one encoding both read
 * correctly (protocols.md §2.4).
 */
const TLS_ELEMENTS = {
  tls: { ssl: 'on', encryption: 'SSL' },
  starttls: { ssl: 'on', encryption: 'TLS' },
  none: { ssl: 'off', encryption: 'None' },
} as const satisfies Record<Security, { ssl: 'on' | 'off'; encryption: string }>;

const onOff = (value: boolean) => (value ? 'on' : 'off');

const NO_LOGIN: ReadonlySet<AuthMethod> = new Set(['none', 'client-IP-address', 'smtp-after-pop']);

/**
 * One Protocol element, announcing `method`: the first of the server's methods POX can express
 * (protocols/reach), so Outlook is never told to log in a way the server refuses.
 */
function protocol(
  account: XMLBuilder,
  server: ServerSettings & { type: MailProtocol },
  method: AuthMethod,
  /** Absent when no address is known: then no LoginName at all. */
  slots: SlotRecorder | undefined,
  popAuthTemplate?: string,
): void {
  const node = account.ele('Protocol');
  node.ele('Type').txt(PROTOCOL_TYPE[server.type]);
  node.ele('Server').txt(server.host);
  node.ele('Port').txt(String(server.port));
  const login = server.username;
  if (slots && login !== '')
    node.ele('LoginName').txt(slots.slot((address) => expandUsername(login, address)));
  node.ele('DomainRequired').txt('off');
  // SPA means NTLM/Kerberos; absent it defaults to on, so it is always sent.
  node.ele('SPA').txt(onOff(method === 'NTLM' || method === 'GSSAPI'));
  node.ele('SSL').txt(TLS_ELEMENTS[server.security].ssl);
  node.ele('Encryption').txt(TLS_ELEMENTS[server.security].encryption);
  node.ele('AuthRequired').txt(onOff(!NO_LOGIN.has(method)));
  if (server.type === 'smtp') {
    node.ele('UsePOPAuth').txt(onOff(popAuthTemplate === server.username && !NO_LOGIN.has(method)));
    node.ele('SMTPLast').txt(onOff(method === 'smtp-after-pop'));
  }
}

function isMailProtocol(server: ServerSettings): server is ServerSettings & { type: MailProtocol } {
  return server.type !== 'exchange';
}

/**
 * Undefined when POX can describe no incoming or no outgoing server of the domain (all OAuth2, for
 * example): the domain is then answered with error 501 instead of settings Outlook cannot use.
 */
export function prepareOutlookResponse(settings: DomainSettings): PreparedText | undefined {
  const servers = poxServers(settings);
  if (!servers) return undefined;
  const slots = new SlotRecorder();
  const response = create({ version: '1.0', encoding: 'utf-8' })
    .ele(NS.response, 'Autodiscover')
    .ele(NS.outlookResponse, 'Response');
  response
    .ele('User')
    .ele('DisplayName')
    .txt(slots.slot((address) => address.address));
  const account = response.ele('Account');
  account.ele('AccountType').txt('email');
  account.ele('Action').txt('settings');
  // Thunderbird takes the first IMAP/POP3 Protocol as incoming and the first SMTP as outgoing.
  const incomingLogin = servers.incoming[0]?.server.username;
  for (const { server, method } of servers.incoming)
    if (isMailProtocol(server)) protocol(account, server, method, slots);
  for (const { server, method } of servers.outgoing)
    if (isMailProtocol(server)) protocol(account, server, method, slots, incomingLogin);
  return slots.prepare(response.end({ prettyPrint: true, indent: '  ' }) + '\n');
}

/**
 * The same settings when no address is known (a GET of the Autodiscover URL, protocols.md §2.1):
 * no `User` and no `LoginName`, since a template would be taken literally. Clients then log in
 * with the address the user typed (Delta Chat ignores `LoginName` anyway).
 */
export function renderOutlookSettingsWithoutAddress(settings: DomainSettings): string | undefined {
  const servers = poxServers(settings);
  if (!servers) return undefined;
  const response = create({ version: '1.0', encoding: 'utf-8' })
    .ele(NS.response, 'Autodiscover')
    .ele(NS.outlookResponse, 'Response');
  const account = response.ele('Account');
  account.ele('AccountType').txt('email');
  account.ele('Action').txt('settings');
  const incomingLogin = servers.incoming[0]?.server.username;
  for (const { server, method } of servers.incoming)
    if (isMailProtocol(server)) protocol(account, server, method, undefined);
  for (const { server, method } of servers.outgoing)
    if (isMailProtocol(server)) protocol(account, server, method, undefined, incomingLogin);
  return response.end({ prettyPrint: true, indent: '  ' }) + '\n';
}
