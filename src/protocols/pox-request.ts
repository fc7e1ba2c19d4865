import { SaxesParser, type SaxesTagNS } from 'saxes';
import { NS, sameNamespace } from './autodiscover-namespaces';
import { measureXml } from './xml-shape';

/**
 * Reads a POX Autodiscover request (MS-OXDSCLI §2.2.3, MS-ASCMD §2.2.1.1; protocols.md §2.3, §5.1).
 * The body is hostile until proven otherwise: it is decoded strictly as UTF-8, refused when it
 * declares a DTD or entities, bounded in elements, attributes and depth by a cheap scan, and only
 * then read, in one pass, by a strict namespace-aware SAX parser (saxes). That parser expands
 * nothing but the five predefined entities and character references; any other entity reference,
 * like any well-formedness or namespace error, refuses the body. Elements are recognised by
 * namespace URI and local name, the namespace compared exactly (http or the documented https
 * variant), so a prefix bound to the request namespace is ours and a foreign element is not.
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

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** What the request needs from the document, gathered while it streams past. */
interface Reading {
  rootLocal: string | undefined;
  /** The request namespace the root is in (its http spelling), or undefined: then nothing is ours. */
  requestNs: string | undefined;
  /** Open elements. */
  depth: number;
  /** Whether the element open at depth 1 is our Request. */
  inRequest: boolean;
  requests: number;
  addresses: number;
  legacyDns: number;
  schemas: number;
  /** The field whose text is being collected: the first EMailAddress or AcceptableResponseSchema. */
  capturing: 'address' | 'schema' | undefined;
  captured: string;
  capturedHasChild: boolean;
  /** Trimmed text; undefined when the element holds child elements, so it has no text value. */
  addressText: string | undefined;
  schemaText: string | undefined;
}

function freshReading(): Reading {
  return {
    rootLocal: undefined,
    requestNs: undefined,
    depth: 0,
    inRequest: false,
    requests: 0,
    addresses: 0,
    legacyDns: 0,
    schemas: 0,
    capturing: undefined,
    captured: '',
    capturedHasChild: false,
    addressText: undefined,
    schemaText: undefined,
  };
}

/** Thrown at saxes' first error: it ends the pass, for later errors cost and tell nothing. */
const NOT_WELL_FORMED = new Error('body is not well-formed XML');

/**
 * saxes reports every error through `fail`, which builds an Error with a stack trace (about 2 µs)
 * and, given an error handler, carries on parsing. Overriding it ends the pass at the first error
 * for the price of a throw; `read` catches it, so no error of the parser leaves this module.
 */
class StrictParser extends SaxesParser<{ xmlns: true; position: false }> {
  constructor() {
    super({ xmlns: true, position: false });
  }

  override fail(): this {
    throw NOT_WELL_FORMED;
  }
}

let reading = freshReading();

function ours(tag: SaxesTagNS): boolean {
  return reading.requestNs !== undefined && sameNamespace(tag.uri, reading.requestNs);
}

function onOpenTag(tag: SaxesTagNS): void {
  const r = reading;
  const level = r.depth++;
  if (r.capturing !== undefined) {
    r.capturedHasChild = true;
  } else if (level === 0) {
    r.rootLocal = tag.local;
    if (sameNamespace(tag.uri, NS.outlookRequest)) r.requestNs = NS.outlookRequest;
    else if (sameNamespace(tag.uri, NS.mobilesyncRequest)) r.requestNs = NS.mobilesyncRequest;
  } else if (level === 1) {
    r.inRequest = tag.local === 'Request' && ours(tag) && ++r.requests === 1;
  } else if (level === 2 && r.inRequest && ours(tag)) {
    switch (tag.local) {
      case 'EMailAddress':
        if (++r.addresses === 1) r.capturing = 'address';
        break;
      case 'LegacyDN':
        r.legacyDns++;
        break;
      case 'AcceptableResponseSchema':
        if (++r.schemas === 1) r.capturing = 'schema';
        break;
      default:
    }
    r.captured = '';
    r.capturedHasChild = false;
  }
}

function onCloseTag(): void {
  const r = reading;
  const level = --r.depth;
  if (level === 2 && r.capturing !== undefined) {
    const text = r.capturedHasChild ? undefined : r.captured.trim();
    if (r.capturing === 'address') r.addressText = text;
    else r.schemaText = text;
    r.capturing = undefined;
  } else if (level === 1) {
    r.inRequest = false;
  }
}

function onText(text: string): void {
  if (reading.capturing !== undefined) reading.captured += text;
}

function createParser(): StrictParser {
  const parser = new StrictParser();
  parser.on('opentag', onOpenTag);
  parser.on('closetag', onCloseTag);
  parser.on('text', onText);
  parser.on('cdata', onText);
  return parser;
}

/** Reused between requests: a pass that completes leaves it reset; one that fails replaces it. */
let parser = createParser();

/**
 * Reads the document in one pass, or undefined when it is not well-formed (namespaces included).
 * Any exception ends in undefined, a fault of the handlers above as much as the parser's refusal:
 * the request then fails closed with error 600.
 */
function read(xml: string): Reading | undefined {
  reading = freshReading();
  try {
    parser.write(xml).close();
    return reading;
  } catch {
    parser = createParser();
    return undefined;
  }
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
  // The scan stays in front of the parser (security review #5): it costs less than the parse.
  const shape = measureXml(xml);
  if (shape.elements > POX_LIMITS.elements) return invalid('too many elements');
  if (shape.attributes > POX_LIMITS.attributes) return invalid('too many attributes');
  if (shape.depth > POX_LIMITS.depth) return invalid('elements nested too deeply');
  if (shape.entityReferences > POX_LIMITS.entityReferences) return invalid('too many entity references');

  const document = read(xml);
  if (!document) return invalid('body is not well-formed XML');
  if (document.rootLocal !== 'Autodiscover') return invalid('root element is not Autodiscover');
  if (document.requestNs === undefined) return invalid('Autodiscover is not in a request namespace');
  const schema = document.requestNs === NS.mobilesyncRequest ? 'mobilesync' : 'outlook';
  if (document.requests !== 1) return invalid('expected exactly one Request element', schema);

  // MS-OXDSCLI §3.2.5.1: LegacyDN wins over EMailAddress, and we cannot resolve Exchange DNs.
  if (document.legacyDns > 0)
    return { ok: false, code: 500, reason: 'LegacyDN requests cannot be resolved', schema };
  if (document.addresses !== 1) return invalid('expected exactly one EMailAddress', schema);
  const emailAddress = document.addressText;
  if (!emailAddress) return invalid('EMailAddress is empty', schema);
  if (document.schemas > 1) return invalid('more than one AcceptableResponseSchema', schema);

  // MS-OXDSCLI (the request schema) and MS-ASCMD §2.2.1.1 make it required; the clients we know send it.
  if (document.schemas === 0) return invalid('AcceptableResponseSchema is missing', schema);
  const wanted = document.schemaText ?? '';
  let responseSchema: ResponseSchema;
  if (sameNamespace(wanted, NS.outlookResponse)) responseSchema = 'outlook';
  else if (sameNamespace(wanted, NS.mobilesyncResponse)) responseSchema = 'mobilesync';
  else responseSchema = 'unsupported';
  return { ok: true, request: { emailAddress, responseSchema } };
}
