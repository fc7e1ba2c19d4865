/**
 * YAML syntax errors in an admin's words. Parsers report where they gave up, in their own terms
 * ("Implicit keys need to be on a single line", "bad indentation of a mapping entry"), often on the
 * line before the mistake and more than once. Most mistakes in a hand-written config are
 * indentation, so the text itself is read line by line to find the line that breaks it and name
 * it plainly. Works on any parser's errors: only their line numbers are used to know where to look.
 */

/** A syntax error as a parser reported it; `code` is the `yaml` package's, when known. */
export interface ParserError {
  readonly line: number;
  readonly col: number;
  readonly message: string;
  readonly code?: string;
}

export interface SyntaxMessage {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

interface ContentLine {
  readonly line: number;
  /** Column (0-based) where the line's content starts. */
  readonly indent: number;
  /** Column (0-based) of the key, after any `- ` list markers; undefined when not `key: ...`. */
  readonly keyCol?: number;
  readonly key?: string;
  /** The key opens a nested block (nothing after the colon but maybe a comment, anchor or tag). */
  readonly opensBlock: boolean;
  /** The value is a block scalar (`|`, `>`): lines below it are text, not YAML structure. */
  readonly blockScalar: boolean;
  /** Columns of `- ` list markers on the line. */
  readonly dashCols: readonly number[];
  /** An unclosed `[` or `{` continues on the next lines. */
  readonly opensFlow: boolean;
}

const KEY_LINE = /^((?:- +)*)("[^"]*"|'[^']*'|[^\s#'"[\]{}][^#]*?)\s*:(?:\s+(.*))?$/;

function readLine(text: string, line: number): ContentLine | undefined {
  const content = text.replace(/\s+$/, '');
  const trimmed = content.trimStart();
  if (trimmed === '' || trimmed.startsWith('#') || trimmed === '---' || trimmed === '...') return undefined;
  const indent = content.length - trimmed.length;
  const dashCols: number[] = [];
  const match = KEY_LINE.exec(trimmed);
  const dashes = match?.[1] ?? /^(?:- +)*/.exec(trimmed)?.[0] ?? '';
  for (let i = 0; i < dashes.length; i++) if (dashes[i] === '-') dashCols.push(indent + i);
  const value = (match?.[3] ?? '').replace(/(^|\s)#.*$/, '').trim();
  const flowDepth = [...value].reduce(
    (depth, char) => depth + (char === '[' || char === '{' ? 1 : char === ']' || char === '}' ? -1 : 0),
    0,
  );
  return {
    line,
    indent,
    ...(match && { keyCol: indent + dashes.length, key: (match[2] ?? '').replace(/^["']|["']$/g, '') }),
    opensBlock: match !== null && /^(?:[&!]\S*\s*)*$/.test(value),
    blockScalar: match !== null && /^[|>][-+0-9]*$/.test(value),
    dashCols,
    opensFlow: flowDepth > 0,
  };
}

/**
 * Lines whose indentation cannot be right, each with its plain explanation: a key deeper than the
 * line above it although that line gave its key a value, or a key shallower than the line above
 * that lines up with no mapping it could belong to.
 */
export function indentationMistakes(text: string): SyntaxMessage[] {
  const mistakes: SyntaxMessage[] = [];
  // Columns where a key or list marker continues an open block, innermost last.
  const open: { col: number; key?: string; line: number; item?: boolean }[] = [];
  let previous: { line: ContentLine; col: number } | undefined;
  let skipDeeperThan: number | undefined;
  const name = (entry: { key?: string; line: number; item?: boolean }) =>
    entry.key !== undefined
      ? `\`${entry.key}\` on line ${entry.line}`
      : entry.item
        ? `the list item on line ${entry.line}`
        : `line ${entry.line}`;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const current = readLine(lines[index] ?? '', index + 1);
    if (!current) continue;
    if (skipDeeperThan !== undefined && current.indent > skipDeeperThan) continue;
    skipDeeperThan = undefined;
    const col = current.dashCols[0] ?? current.keyCol ?? current.indent;
    while (open.length > 0 && (open.at(-1)?.col ?? 0) > col) open.pop();
    const top = open.at(-1);
    if (previous && top && top.col < col && current.key !== undefined) {
      const above = {
        line: previous.line.line,
        ...(previous.line.key !== undefined && { key: previous.line.key }),
        item: previous.line.dashCols.length > 0,
      };
      const opened =
        previous.line.opensBlock || (previous.line.key === undefined && previous.line.dashCols.length > 0);
      if (col > previous.col && !opened)
        mistakes.push({
          line: current.line,
          col: col + 1,
          message:
            `\`${current.key}\` is indented deeper than the key above it (${name(above)}), which already has a ` +
            `value: keys of one mapping start in the same column`,
        });
      else if (col < previous.col)
        mistakes.push({
          line: current.line,
          col: col + 1,
          message:
            `\`${current.key}\` is indented less than the key above it (${name(above)}) but deeper than ` +
            `${name(top)}: start it in the column of the keys it belongs with`,
        });
    }
    for (const dash of current.dashCols) {
      if (open.at(-1)?.col === dash) open.pop();
      open.push({ col: dash, line: current.line, item: true });
    }
    if (current.keyCol !== undefined) {
      if (open.at(-1)?.col === current.keyCol) open.pop();
      open.push({
        col: current.keyCol,
        line: current.line,
        ...(current.key !== undefined && { key: current.key }),
      });
    }
    if (current.blockScalar || current.opensFlow) skipDeeperThan = current.keyCol ?? current.indent;
    previous = { line: current, col: current.keyCol ?? col };
  }
  return mistakes;
}

/** The key written at a position, for messages about a duplicate key. */
function keyAt(text: string, line: number): string | undefined {
  const content = readLine(text.split('\n')[line - 1] ?? '', line);
  return content?.key;
}

function plainMessage(text: string, error: ParserError): string {
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return 'indented with a tab: YAML indentation must be spaces';
    case 'DUPLICATE_KEY': {
      const key = keyAt(text, error.line);
      return key === undefined
        ? 'a key appears twice in the same mapping'
        : `\`${key}\` appears twice in the same mapping: keep one`;
    }
    case 'MISSING_CHAR':
      if (/quote/i.test(error.message)) return 'a quoted text is not closed: the file ends inside quotes';
      break;
    case 'MULTILINE_IMPLICIT_KEY': {
      const content = (text.split('\n')[error.line - 1] ?? '').trim();
      if (content !== '' && !content.includes(':') && !content.startsWith('-'))
        return `\`${content.length > 40 ? `${content.slice(0, 37)}...` : content}\` is not a \`key: value\` pair: is the colon missing?`;
      break;
    }
  }
  return `YAML syntax: ${error.message}`;
}

/**
 * The errors to show for a file the parser refused: an indentation mistake where the parser gave
 * up (on its line or the next one) replaces the parser's messages about it; other errors are
 * worded plainly where a wording is known.
 */
export function explainSyntaxErrors(text: string, errors: readonly ParserError[]): SyntaxMessage[] {
  if (errors.length === 0) return [];
  const first = Math.min(...errors.map((error) => error.line));
  // A tab in the indentation makes every column count below it meaningless: say that instead.
  const tabs = errors.some((error) => error.code === 'TAB_AS_INDENT');
  const mistake = tabs
    ? undefined
    : indentationMistakes(text).find((m) => m.line === first || m.line === first + 1);
  const out: SyntaxMessage[] = mistake ? [mistake] : [];
  const seen = new Set<string>();
  for (const error of errors) {
    // The parser's view of the same mistake: it stumbles on the line of the mistake or the one above.
    if (mistake && error.line >= first && error.line <= mistake.line) continue;
    const message = plainMessage(text, error);
    const key = `${error.line}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ line: error.line, col: error.col, message });
  }
  return out;
}
