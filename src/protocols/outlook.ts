import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { DomainSettings, Security, ServerSettings, ServerType } from '../core/settings';
import { expandUsername } from '../core/username';
import { NS } from './autodiscover-namespaces';
import { SlotRecorder, type PreparedText } from './prepared-text';

/**
 * Outlook POX Autodiscover response for IMAP/POP3/SMTP (MS-OXDSCLI §2.2.4; protocols.md §2.4).
 * Everything but the address-derived values (DisplayName, LoginName) depends only on the config,
 * so the document is prepared once per domain and filled per request.
 */

const PROTOCOL_TYPE = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const satisfies Record<
  ServerType,
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

function protocol(
  account: XMLBuilder,
  server: ServerSettings,
  slots: SlotRecorder | undefined,
  popAuthTemplate?: string,
): void {
  const node = account.ele('Protocol');
  const first = server.auth[0];
  node.ele('Type').txt(PROTOCOL_TYPE[server.type]);
  node.ele('Server').txt(server.host);
  node.ele('Port').txt(String(server.port));
  if (slots) node.ele('LoginName').txt(slots.slot((address) => expandUsername(server.username, address)));
  node.ele('DomainRequired').txt('off');
  // SPA means NTLM/Kerberos; absent it defaults to on, so it is always sent.
  node.ele('SPA').txt(onOff(first === 'NTLM' || first === 'GSSAPI'));
  node.ele('SSL').txt(TLS_ELEMENTS[server.security].ssl);
  node.ele('Encryption').txt(TLS_ELEMENTS[server.security].encryption);
  node.ele('AuthRequired').txt(onOff(!server.auth.every((m) => m === 'none' || m === 'client-IP-address')));
  if (server.type === 'smtp') {
    node.ele('UsePOPAuth').txt(onOff(popAuthTemplate === server.username));
    node.ele('SMTPLast').txt('off');
  }
}

export function prepareOutlookResponse(settings: DomainSettings): PreparedText {
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
  const incomingLogin = settings.incoming[0]?.username;
  for (const server of settings.incoming) protocol(account, server, slots);
  for (const server of settings.outgoing) protocol(account, server, slots, incomingLogin);
  return slots.prepare(response.end({ prettyPrint: true, indent: '  ' }) + '\n');
}

/**
 * The same settings when no address is known (a GET of the Autodiscover URL, protocols.md §2.1):
 * no `User` and no `LoginName`, since a template would be taken literally. Clients then log in
 * with the address the user typed (Delta Chat ignores `LoginName` anyway).
 */
export function renderOutlookSettingsWithoutAddress(settings: DomainSettings): string {
  const response = create({ version: '1.0', encoding: 'utf-8' })
    .ele(NS.response, 'Autodiscover')
    .ele(NS.outlookResponse, 'Response');
  const account = response.ele('Account');
  account.ele('AccountType').txt('email');
  account.ele('Action').txt('settings');
  const incomingLogin = settings.incoming[0]?.username;
  for (const server of settings.incoming) protocol(account, server, undefined);
  for (const server of settings.outgoing) protocol(account, server, undefined, incomingLogin);
  return response.end({ prettyPrint: true, indent: '  ' }) + '\n';
}
