import type { DomainSettings, ServiceSettings } from '../core/settings';
import { poxServers } from './reach';

/**
 * Autodiscover v2, the JSON form Outlook 2016+ and Microsoft's cloud ask first (protocols.md §2.8).
 * The answer names one URL per protocol and depends only on the config, so it is the same for every
 * address of a domain (no mailbox enumeration) and is rendered once per domain per load.
 */

export const AUTODISCOVER_JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export const JSON_PROTOCOLS = ['ActiveSync', 'AutodiscoverV1'] as const;
export type JsonProtocol = (typeof JSON_PROTOCOLS)[number];

/** Outlook has been seen sending `Autodiscoverv1`, so protocol names are matched without case. */
export function canonicalProtocol(raw: string): JsonProtocol | undefined {
  const lower = raw.toLowerCase();
  return JSON_PROTOCOLS.find((name) => name.toLowerCase() === lower);
}

/**
 * The POX endpoint clients are sent to: on the service's own public host when configured, else on
 * `autodiscover.<domain>`, the name Outlook itself tries. Never taken from the request's Host.
 */
export function poxEndpoint(settings: DomainSettings, service: ServiceSettings): string {
  return `https://${service.publicHost ?? `autodiscover.${settings.domain}`}/autodiscover/autodiscover.xml`;
}

export interface PreparedAutodiscoverJson {
  /** Answer bodies by canonical protocol; a protocol the domain lacks is absent. */
  readonly answers: Readonly<Partial<Record<JsonProtocol, string>>>;
  /** The 400 body for any other protocol, listing the ones this domain offers. */
  readonly invalidProtocol: string;
}

export function renderJsonError(errorCode: string, errorMessage: string): string {
  return JSON.stringify({ ErrorCode: errorCode, ErrorMessage: errorMessage });
}

export function prepareAutodiscoverJson(
  settings: DomainSettings,
  service: ServiceSettings,
): PreparedAutodiscoverJson {
  // No AutodiscoverV1 URL when the POX answer would only be error 501 (protocols/reach).
  const urls: Partial<Record<JsonProtocol, string>> = {
    ...(poxServers(settings) && { AutodiscoverV1: poxEndpoint(settings, service) }),
    ...(settings.activeSync && { ActiveSync: settings.activeSync.url }),
  };
  const answers: Partial<Record<JsonProtocol, string>> = {};
  for (const protocol of JSON_PROTOCOLS) {
    const url = urls[protocol];
    if (url !== undefined) answers[protocol] = JSON.stringify({ Protocol: protocol, Url: url });
  }
  const supported = JSON_PROTOCOLS.filter((protocol) => urls[protocol] !== undefined).join(',');
  // Exchange quotes the protocol it was sent; we never repeat request data, so the value is left out.
  return {
    answers,
    invalidProtocol: renderJsonError(
      'InvalidProtocol',
      `The given protocol value is invalid. Supported values are '${supported}'`,
    ),
  };
}
