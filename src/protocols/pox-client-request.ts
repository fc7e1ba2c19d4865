import { create } from 'xmlbuilder2';
import { NS } from './autodiscover-namespaces';

/** The request body Outlook (or an ActiveSync client) sends, protocols.md §2.3. */
export function poxRequest(address: string, schema: 'outlook' | 'mobilesync'): string {
  const [requestNs, responseNs] =
    schema === 'outlook'
      ? [NS.outlookRequest, NS.outlookResponse]
      : [NS.mobilesyncRequest, NS.mobilesyncResponse];
  const request = create({ version: '1.0', encoding: 'utf-8' }).ele(requestNs, 'Autodiscover').ele('Request');
  request.ele('EMailAddress').txt(address);
  request.ele('AcceptableResponseSchema').txt(responseNs);
  return request.end();
}
