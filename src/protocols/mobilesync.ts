import { create } from 'xmlbuilder2';
import type { DomainSettings } from '../core/settings';
import { NS } from './autodiscover-namespaces';
import { SlotRecorder, type PreparedText } from './prepared-text';

/**
 * ActiveSync ("mobilesync") Autodiscover answer (MS-ASCMD §2.2.1.1, §4.2; protocols.md §2.7) for a
 * domain that has an ActiveSync endpoint configured. Domains without one get the 601 error form.
 */
export function prepareMobileSyncResponse(settings: DomainSettings): PreparedText | undefined {
  if (!settings.activeSync) return undefined;
  const slots = new SlotRecorder();
  const response = create({ version: '1.0', encoding: 'utf-8' })
    .ele(NS.response, 'Autodiscover')
    .ele(NS.mobilesyncResponse, 'Response');
  response.ele('Culture').txt('en:us');
  const user = response.ele('User');
  user.ele('DisplayName').txt(slots.slot((address) => address.address));
  user.ele('EMailAddress').txt(slots.slot((address) => address.address));
  const server = response.ele('Action').ele('Settings').ele('Server');
  server.ele('Type').txt('MobileSync');
  server.ele('Url').txt(settings.activeSync.url);
  server.ele('Name').txt(settings.activeSync.url);
  return slots.prepare(response.end({ prettyPrint: true, indent: '  ' }) + '\n');
}
