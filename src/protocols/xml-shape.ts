/**
 * The size of an XML document's tree, measured in one forward pass without parsing it: how many
 * elements and attributes it has and how deep it nests. A request body is measured before the
 * real parser sees it, so that a body built to be expensive (thousands of attributes, deep nesting)
 * is refused for the price of a scan. The pass trusts nothing: on malformed input the figures are
 * still upper bounds of what a parser would find, and the parser itself refuses the document.
 */
export interface XmlShape {
  readonly elements: number;
  readonly attributes: number;
  readonly depth: number;
  /** `&…;` references, in text and attribute values alike. */
  readonly entityReferences: number;
}

export function measureXml(xml: string): XmlShape {
  let elements = 0;
  let attributes = 0;
  let depth = 0;
  let maxDepth = 0;
  let entityReferences = 0;
  for (let at = xml.indexOf('&'); at >= 0; at = xml.indexOf('&', at + 1)) entityReferences++;
  let i = xml.indexOf('<');
  while (i >= 0 && i < xml.length) {
    if (xml.startsWith('<!--', i)) i = after(xml, '-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) i = after(xml, ']]>', i + 9);
    else if (xml.startsWith('<?', i) || xml.startsWith('<!', i)) i = after(xml, '>', i + 2);
    else if (xml.startsWith('</', i)) {
      depth = Math.max(0, depth - 1);
      i = after(xml, '>', i + 2);
    } else {
      elements++;
      const tag = scanStartTag(xml, i + 1);
      attributes += tag.attributes;
      if (!tag.selfClosing) maxDepth = Math.max(maxDepth, ++depth);
      i = tag.end;
    }
    i = i < 0 ? -1 : xml.indexOf('<', i);
  }
  return { elements, attributes, depth: Math.max(maxDepth, elements > 0 ? 1 : 0), entityReferences };
}

/** The index after the next `marker` from `from`, or -1 when the document ends first. */
function after(xml: string, marker: string, from: number): number {
  const at = xml.indexOf(marker, from);
  return at < 0 ? -1 : at + marker.length;
}

/** Counts `=` outside quoted values up to the closing `>`; a quoted value may hold `>` and `=`. */
function scanStartTag(xml: string, from: number): { attributes: number; selfClosing: boolean; end: number } {
  let attributes = 0;
  let i = from;
  while (i < xml.length) {
    const char = xml[i];
    if (char === '"' || char === "'") {
      const close = xml.indexOf(char, i + 1);
      if (close < 0) break;
      i = close + 1;
    } else if (char === '>') {
      return { attributes, selfClosing: xml[i - 1] === '/', end: i + 1 };
    } else {
      if (char === '=') attributes++;
      i++;
    }
  }
  return { attributes, selfClosing: false, end: -1 };
}
