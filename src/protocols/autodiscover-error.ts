import { create } from 'xmlbuilder2';
import { NS } from './autodiscover-namespaces';

/** Error codes of MS-OXDSCLI §2.2.4.1.1.3.2 that this service answers with. */
export const POX_ERRORS = {
  /** The address is not in a served domain. */
  500: "The email address can't be found.",
  /** A served domain whose servers POX cannot describe (all OAuth2, for example). */
  501: 'The email address has no configuration options for this client.',
  /** The request is not a well-formed Autodiscover request. */
  600: 'Invalid Request',
  /** The AcceptableResponseSchema is not one we offer. */
  601: 'Provider is not available',
} as const;
export type PoxErrorCode = keyof typeof POX_ERRORS;

export interface ErrorStamp {
  /** Time of day, `hh:mm:ss.fffffff`, as Exchange writes it. */
  readonly time: string;
  /** Identifies the answering server; derived from its name, never from the request. */
  readonly id: string;
}

export function errorTime(now: Date): string {
  return `${now.toISOString().slice(11, 23)}0000`;
}

/** FNV-1a, 32 bits: a stable, non-secret server id for the `Id` attribute. */
export function serverId(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return String(hash);
}

/**
 * The error document (protocols.md §2.6). Exchange puts the error `Response` in the outer namespace,
 * and so do we for mobilesync requests: the MS-ASCMD §6.4 schema allows an `Error` only in that
 * form, while its mobilesync `Response` has no such child, so a schema-checking ActiveSync client
 * would reject an `Error` in the mobilesync namespace. Request data is never echoed: `DebugData`
 * stays empty.
 */
export function renderPoxError(code: PoxErrorCode, stamp: ErrorStamp): string {
  const root = create({ version: '1.0', encoding: 'utf-8' }).ele(NS.response, 'Autodiscover');
  const error = root.ele(NS.response, 'Response').ele('Error', { Time: stamp.time, Id: stamp.id });
  error.ele('ErrorCode').txt(String(code));
  error.ele('Message').txt(POX_ERRORS[code]);
  error.ele('DebugData');
  return root.end({ prettyPrint: true, indent: '  ' }) + '\n';
}
