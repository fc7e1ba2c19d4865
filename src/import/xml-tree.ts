/**
 * A small, strict XML reader for autoconfig files that keeps each element's line, so `import` can
 * say where every element it could not carry over stands. It reads elements, attributes, text,
 * CDATA, comments and processing instructions, and the five predefined and numeric character
 * references. It refuses what a hostile file would use: any DTD (so no entity can expand or
 * reach outside), undefined entities, more than {@link MAX_XML_BYTES}, deep nesting, huge counts.
 */

export interface XmlElement {
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own text (CDATA included), children's text excluded; not trimmed. */
  readonly text: string;
  readonly line: number;
}

export type XmlResult = { ok: true; root: XmlElement } | { ok: false; line: number; message: string };

/** Autoconfig files are a few kilobytes; a megabyte is far beyond any real one. */
export const MAX_XML_BYTES = 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_ELEMENTS = 20_000;

const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class XmlError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

interface Building {
  name: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

export function parseXml(input: string): XmlResult {
  const lineStarts = [0];
  for (let i = input.indexOf('\n'); i >= 0; i = input.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (index: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= index) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  if (Buffer.byteLength(input, 'utf8') > MAX_XML_BYTES) {
    return { ok: false, line: 1, message: `file is larger than ${MAX_XML_BYTES} bytes` };
  }
  try {
    return { ok: true, root: read(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input, lineAt) };
  } catch (error) {
    if (error instanceof XmlError) return { ok: false, line: lineAt(error.index), message: error.message };
    throw error;
  }
}

function decode(raw: string, at: number): string {
  return raw.replace(/&([^;&\s]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new XmlError(at, `"&" must be written as &amp;`);
    if (ref in PREDEFINED) return PREDEFINED[ref] as string;
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (numeric) {
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        throw new XmlError(at, `character reference &${ref}; is not a valid character`);
      return String.fromCodePoint(code);
    }
    throw new XmlError(
      at,
      `unknown entity &${ref}; (only &lt; &gt; &amp; &quot; &apos; and numeric references)`,
    );
  });
}

function read(text: string, lineAt: (index: number) => number): XmlElement {
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let i = 0;
  const expect = (literal: string, what: string) => {
    const end = text.indexOf(literal, i);
    if (end < 0) throw new XmlError(i, `unterminated ${what}`);
    return end;
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const match = NAME.exec(text);
    if (!match) throw new XmlError(i, 'expected an element or attribute name');
    i += match[0].length;
    return match[0];
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk.length > 0) {
      const top = stack[stack.length - 1];
      if (top) top.text += decode(chunk, i);
      else if (chunk.trim() !== '') throw new XmlError(i, 'text outside the root element');
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      i = expect('-->', 'comment') + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const top = stack[stack.length - 1];
      if (!top) throw new XmlError(i, 'CDATA outside the root element');
      const end = expect(']]>', 'CDATA section');
      top.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      throw new XmlError(
        i,
        'DTDs and entity declarations are not accepted (they can expand without bound or read other files)',
      );
    } else if (text.startsWith('<?', i)) {
      i = expect('?>', 'processing instruction') + 2;
    } else if (text.startsWith('</', i)) {
      i += 2;
      const closing = name();
      skipSpace();
      if (text[i] !== '>') throw new XmlError(i, `expected ">" to end </${closing}`);
      i++;
      const open = stack.pop();
      if (!open) throw new XmlError(i, `</${closing}> closes nothing`);
      if (open.name !== closing)
        throw new XmlError(i, `</${closing}> closes <${open.name}> opened on line ${open.line}`);
      const element: XmlElement = open;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else root = element;
    } else {
      const start = i;
      i++;
      if (root) throw new XmlError(start, 'a second root element');
      if (stack.length >= MAX_DEPTH) throw new XmlError(start, `elements nested deeper than ${MAX_DEPTH}`);
      if (++count > MAX_ELEMENTS) throw new XmlError(start, `more than ${MAX_ELEMENTS} elements`);
      const element: Building = {
        name: name(),
        attrs: new Map(),
        children: [],
        text: '',
        line: lineAt(start),
      };
      for (;;) {
        const before = i;
        skipSpace();
        if (text.startsWith('/>', i) || text[i] === '>') break;
        if (i === before) throw new XmlError(i, `expected a space, "/>" or ">" in <${element.name}>`);
        const attr = name();
        skipSpace();
        if (text[i] !== '=') throw new XmlError(i, `attribute ${attr} has no value`);
        i++;
        skipSpace();
        const quote = text[i];
        if (quote !== '"' && quote !== "'") throw new XmlError(i, `the value of ${attr} must be quoted`);
        const end = text.indexOf(quote, i + 1);
        if (end < 0) throw new XmlError(i, `unterminated value of ${attr}`);
        const raw = text.slice(i + 1, end);
        if (raw.includes('<')) throw new XmlError(i, `"<" in the value of ${attr}`);
        if (element.attrs.has(attr)) throw new XmlError(i, `attribute ${attr} appears twice`);
        element.attrs.set(attr, decode(raw, i));
        i = end + 1;
      }
      if (i >= text.length) throw new XmlError(start, `unterminated <${element.name}>`);
      if (text[i] === '/') {
        i += 2;
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(element);
        else root = element;
      } else {
        i++;
        stack.push(element);
      }
    }
  }
  const open = stack.pop();
  if (open) throw new XmlError(text.length, `<${open.name}> opened on line ${open.line} is never closed`);
  if (!root) throw new XmlError(0, 'no root element');
  return root;
}
