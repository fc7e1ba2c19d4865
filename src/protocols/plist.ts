import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';

/** The value types of an XML property list that configuration profiles use. */
export type PlistValue = string | number | boolean | readonly PlistValue[] | PlistDict;
export interface PlistDict {
  readonly [key: string]: PlistValue | undefined;
}

function value(parent: XMLBuilder, item: PlistValue): void {
  if (typeof item === 'string') parent.ele('string').txt(item);
  else if (typeof item === 'boolean') parent.ele(item ? 'true' : 'false');
  else if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw new RangeError('plist numbers here are integers');
    parent.ele('integer').txt(String(item));
  } else if (Array.isArray(item)) {
    const array = parent.ele('array');
    for (const element of item as readonly PlistValue[]) value(array, element);
  } else {
    const dict = parent.ele('dict');
    // Sorted keys, as Apple's own tools write them, so the bytes do not depend on object order.
    for (const key of Object.keys(item).sort()) {
      const entry = (item as PlistDict)[key];
      if (entry === undefined) continue;
      dict.ele('key').txt(key);
      value(dict, entry);
    }
  }
}

/** An XML property list (Apple's PropertyList-1.0 DTD) with `root` as its top-level value. */
export function renderPlist(root: PlistValue): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).dtd({
    name: 'plist',
    pubID: '-//Apple//DTD PLIST 1.0//EN',
    sysID: 'http://www.apple.com/DTDs/PropertyList-1.0.dtd',
  });
  value(doc.ele('plist', { version: '1.0' }), root);
  return doc.end({ prettyPrint: true, indent: '  ' }) + '\n';
}
