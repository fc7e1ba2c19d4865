import type { EmailAddress } from '../core/address';

/**
 * A response body computed once per config load with holes for the few per-address values.
 * Renderers build the whole document with an XML builder, putting a marker where an address-derived
 * value goes; the document is then cut at the markers. Per request only escaped values are joined
 * in, so no request value is ever interpolated into unescaped markup.
 */
export interface PreparedText {
  readonly chunks: readonly string[];
  readonly slots: readonly ((address: EmailAddress) => string)[];
  /**
   * The chunks encoded once as UTF-8: an answer is then the chunks copied around the encoded
   * values, where encoding the whole joined string again cost 3 µs of a POST (bench-request-parts).
   */
  readonly chunkBytes: readonly Buffer[];
}

/** Private-use characters: never valid in a host name, address or template, so never in config values. */
const OPEN = '\uE000';
const CLOSE = '\uE001';

export class SlotRecorder {
  private readonly slots: ((address: EmailAddress) => string)[] = [];

  /** A marker to write into the document where `value(address)` must appear. */
  slot(value: (address: EmailAddress) => string): string {
    this.slots.push(value);
    return `${OPEN}${this.slots.length - 1}${CLOSE}`;
  }

  prepare(document: string): PreparedText {
    const chunks: string[] = [];
    const slots: ((address: EmailAddress) => string)[] = [];
    const pattern = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');
    let last = 0;
    for (const match of document.matchAll(pattern)) {
      chunks.push(document.slice(last, match.index));
      slots.push(this.slots[Number(match[1])] as (address: EmailAddress) => string);
      last = match.index + match[0].length;
    }
    chunks.push(document.slice(last));
    return { chunks, slots, chunkBytes: chunks.map((chunk) => Buffer.from(chunk, 'utf8')) };
  }
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

const XML_SPECIAL = /[&<>"']/;

export function escapeXml(value: string): string {
  // Most values (host names, logins) have nothing to escape: test before building a new string.
  return XML_SPECIAL.test(value) ? value.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] as string) : value;
}

export function fillPrepared(
  prepared: PreparedText,
  address: EmailAddress,
  escape: (value: string) => string = escapeXml,
): string {
  let out = prepared.chunks[0] as string;
  for (let i = 0; i < prepared.slots.length; i++) {
    out +=
      escape((prepared.slots[i] as (a: EmailAddress) => string)(address)) +
      (prepared.chunks[i + 1] as string);
  }
  return out;
}

/** {@link fillPrepared} as UTF-8 bytes, without encoding the constant chunks again. */
export function fillPreparedBytes(
  prepared: PreparedText,
  address: EmailAddress,
  escape: (value: string) => string = escapeXml,
): Buffer {
  const values: string[] = [];
  let total = 0;
  for (const chunk of prepared.chunkBytes) total += chunk.length;
  for (const slot of prepared.slots) {
    const value = escape(slot(address));
    values.push(value);
    total += Buffer.byteLength(value, 'utf8');
  }
  const out = Buffer.allocUnsafe(total);
  let at = (prepared.chunkBytes[0] as Buffer).copy(out, 0);
  for (let i = 0; i < values.length; i++) {
    at += out.write(values[i] as string, at, 'utf8');
    at += (prepared.chunkBytes[i + 1] as Buffer).copy(out, at);
  }
  return out;
}

/** About how many bytes a prepared text holds, for the prepared-answer cache's budget. */
export function preparedTextSize(text: PreparedText | undefined): number {
  if (!text) return 16;
  // Each slot is a closure over the settings: about 100 bytes of heap, measured.
  let total = 64 + text.slots.length * 100;
  for (const chunk of text.chunks) total += chunk.length * 2 + 16;
  for (const bytes of text.chunkBytes) total += bytes.length + 80;
  return total;
}
