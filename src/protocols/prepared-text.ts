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
    return { chunks, slots };
  }
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] as string);
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
