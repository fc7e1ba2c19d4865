/** Namespaces of Autodiscover (MS-OXDSCLI §2.2.1, MS-ASCMD §2.2.1.1). */
export const NS = {
  response: 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
  outlookRequest: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006',
  outlookResponse: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
  mobilesyncRequest: 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006',
  mobilesyncResponse: 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
} as const;

/** Some Microsoft pages print the namespaces with https; real clients send http (protocols.md §2.3). */
export function sameNamespace(actual: string, expected: string): boolean {
  return actual === expected || actual === expected.replace(/^http:/, 'https:');
}

export const AUTODISCOVER_CONTENT_TYPE = 'text/xml; charset=utf-8';
