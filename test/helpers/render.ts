import { answerAutoconfig, answerAutodiscoverPost, type Answer } from '../../src/service/answers';
import { answerMobileconfig } from '../../src/service/apple-answers';
import { answerAutodiscoverJson } from '../../src/service/autodiscover-json-answers';
import { exampleSnapshot, FIXED_NOW, poxBody } from './example';

export type RenderFormat =
  | 'autoconfig'
  | 'autodiscover'
  | 'mobilesync'
  | 'autodiscover-raw'
  | 'autodiscover-json'
  | 'autodiscover-json-activesync'
  | 'mobileconfig';

/** The answer the server gives for an address, with the clock fixed so error stamps are stable. */
export async function render(address: string, format: RenderFormat): Promise<Answer> {
  const snapshot = await exampleSnapshot();
  switch (format) {
    case 'autoconfig':
      return answerAutoconfig(snapshot, { emailaddress: address, host: undefined });
    case 'autodiscover':
      return answerAutodiscoverPost(snapshot, { body: poxBody(address), now: FIXED_NOW });
    case 'mobilesync':
      return answerAutodiscoverPost(snapshot, {
        body: poxBody(
          address,
          'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
          'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006',
        ),
        now: FIXED_NOW,
      });
    case 'autodiscover-raw':
      return answerAutodiscoverPost(snapshot, { body: address, now: FIXED_NOW });
    case 'autodiscover-json':
      return answerAutodiscoverJson(snapshot, { address, protocol: 'AutodiscoverV1' });
    case 'autodiscover-json-activesync':
      return answerAutodiscoverJson(snapshot, { address, protocol: 'ActiveSync' });
    case 'mobileconfig':
      return answerMobileconfig(snapshot, { emailaddress: address, now: FIXED_NOW });
  }
}
