import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { NS, sameNamespace } from './autodiscover-namespaces';
import { measureXml } from './xml-shape';

/**
 * Reads a POX Autodiscover request (MS-OXDSCLI §2.2.3, MS-ASCMD §2.2.1.1; protocols.md §2.3, §5.1).
 * The body is hostile until proven otherwise: it is decoded strictly as UTF-8, refused when it
 * declares a DTD or entities, bounded in elements, attributes and depth, and read with a parser that resolves no
 * entities. Namespaces are compared exactly (http or the documented https variant).
 */

export type ResponseSchema = 'outlook' | 'mobilesync' | 'unsupported';

export interface PoxRequest {
  readonly emailAddress: string;
  readonly responseSchema: ResponseSchema;
}

export type PoxParseResult =
  | { ok: true; request: PoxRequest }
  | { ok: false; code: 500 | 600; reason: string; schema: 'outlook' | 'mobilesync' };

/**
 * A real request is about 400 characters: five elements three levels deep, one or two attributes
 * (namespace declarations), no entity references except perhaps one in the address. The bounds
 * leave room for chatty clients and refuse, for the price of one scan, bodies built to make the
 * parser work: its cost grows with every character (most with attributes and entity references),
 * so a body the HTTP limit lets through (16 KiB) would otherwise cost up to a hundred real ones.
 */
export const POX_LIMITS = {
  characters: 2048,
  elements: 64,
  attributes: 32,
  depth: 8,
  entityReferences: 32,
} as const;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
});

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

type XmlNode = Record<string, unknown>;

function children(node: XmlNode, prefix: string, name: string): unknown[] {
  const value = node[prefix ? `${prefix}:${name}` : name];
  return Array.isArray(value) ? value : [];
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object') {
    const node = value as XmlNode;
    const elementKeys = Object.keys(node).filter((key) => !key.startsWith('@_') && key !== '#text');
    if (elementKeys.length > 0) return undefined;
    const text = node['#text'];
    return typeof text === 'string' ? text.trim() : '';
  }
  return undefined;
}

export function parsePoxRequest(body: Buffer | string): PoxParseResult {
  const invalid = (reason: string, schema: 'outlook' | 'mobilesync' = 'outlook'): PoxParseResult => ({
    ok: false,
    code: 600,
    reason,
    schema,
  });
  // A UTF-16 unit takes at most 3 UTF-8 bytes: longer bodies are refused without decoding them.
  if (typeof body !== 'string' && body.length > POX_LIMITS.characters * 3)
    return invalid('body longer than any real request');
  let xml: string;
  try {
    xml = typeof body === 'string' ? body : decoder.decode(body);
  } catch {
    return invalid('body is not valid UTF-8');
  }
  if (xml.trim() === '') return invalid('empty body');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return invalid('DTDs and entity declarations are not accepted');
  const declaredEncoding = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(xml)?.[1];
  if (declaredEncoding && !/^utf-?8$/i.test(declaredEncoding))
    return invalid('only UTF-8 requests are accepted');
  if (xml.length > POX_LIMITS.characters) return invalid('body longer than any real request');
  const shape = measureXml(xml);
  if (shape.elements > POX_LIMITS.elements) return invalid('too many elements');
  if (shape.attributes > POX_LIMITS.attributes) return invalid('too many attributes');
  if (shape.depth > POX_LIMITS.depth) return invalid('elements nested too deeply');
  if (shape.entityReferences > POX_LIMITS.entityReferences) return invalid('too many entity references');
  if (XMLValidator.validate(xml) !== true) return invalid('body is not well-formed XML');

  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch {
    return invalid('body is not well-formed XML');
  }
  const rootKeys = Object.keys(document).filter((key) => !key.startsWith('?') && !key.startsWith('#'));
  if (rootKeys.length !== 1) return invalid('expected one root element');
  const rootName = rootKeys[0] as string;
  const [prefix, localName] = rootName.includes(':') ? rootName.split(':', 2) : ['', rootName];
  if (localName !== 'Autodiscover') return invalid('root element is not Autodiscover');
  const root = (document[rootName] as unknown[])[0];
  if (!root || typeof root !== 'object') return invalid('empty Autodiscover element');
  const rootNode = root as XmlNode;
  const namespace = rootNode[prefix ? `@_xmlns:${prefix}` : '@_xmlns'];
  const schema =
    typeof namespace === 'string' && sameNamespace(namespace, NS.mobilesyncRequest)
      ? 'mobilesync'
      : 'outlook';
  if (
    typeof namespace !== 'string' ||
    !(sameNamespace(namespace, NS.outlookRequest) || schema === 'mobilesync')
  ) {
    return invalid('Autodiscover is not in a request namespace');
  }

  const requests = children(rootNode, prefix as string, 'Request');
  if (requests.length !== 1 || !requests[0] || typeof requests[0] !== 'object') {
    return invalid('expected exactly one Request element', schema);
  }
  const request = requests[0] as XmlNode;
  const addresses = children(request, prefix as string, 'EMailAddress');
  const legacyDn = children(request, prefix as string, 'LegacyDN');
  const schemas = children(request, prefix as string, 'AcceptableResponseSchema');

  // MS-OXDSCLI §3.2.5.1: LegacyDN wins over EMailAddress, and we cannot resolve Exchange DNs.
  if (legacyDn.length > 0)
    return { ok: false, code: 500, reason: 'LegacyDN requests cannot be resolved', schema };
  if (addresses.length !== 1) return invalid('expected exactly one EMailAddress', schema);
  const emailAddress = textOf(addresses[0]);
  if (!emailAddress) return invalid('EMailAddress is empty', schema);
  if (schemas.length > 1) return invalid('more than one AcceptableResponseSchema', schema);

  // MS-OXDSCLI (the request schema) and MS-ASCMD §2.2.1.1 make it required; the clients we know send it.
  if (schemas.length === 0) return invalid('AcceptableResponseSchema is missing', schema);
  const wanted = textOf(schemas[0]) ?? '';
  let responseSchema: ResponseSchema;
  if (sameNamespace(wanted, NS.outlookResponse)) responseSchema = 'outlook';
  else if (sameNamespace(wanted, NS.mobilesyncResponse)) responseSchema = 'mobilesync';
  else responseSchema = 'unsupported';
  return { ok: true, request: { emailAddress, responseSchema } };
}
