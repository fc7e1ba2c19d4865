import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigProblem, PathSegment } from './problems';
import { formatPath } from './problems';

/**
 * One parsed YAML file that can map a path inside its data back to `line:col`, so schema errors
 * point at the exact key or value.
 */
export class YamlSource {
  private readonly lineCounter = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
  }

  /** Syntax errors, each located. */
  syntaxProblems(): ConfigProblem[] {
    return this.doc.errors.map((error) => {
      const pos = this.lineCounter.linePos(error.pos[0]);
      return this.problemAt(pos, [], error.message.split('\n')[0] ?? error.message);
    });
  }

  /** The data, or a located problem when YAML aliases would expand beyond reason. */
  toData(): { ok: true; data: unknown } | { ok: false; problem: ConfigProblem } {
    try {
      return { ok: true, data: this.doc.toJS({ maxAliasCount: 100 }) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, problem: this.problem([], `cannot read the document: ${message}`) };
    }
  }

  problem(
    path: readonly PathSegment[],
    message: string,
    options: { key?: string; severity?: 'error' | 'warning' } = {},
  ) {
    // For an unknown key the path ends with the key itself; point at the key, not its value.
    const at = options.key === undefined ? this.locate(path) : this.locate(path.slice(0, -1), options.key);
    return this.problemAt(at, path, message, options.severity);
  }

  private problemAt(
    pos: { line: number; col: number },
    path: readonly PathSegment[],
    message: string,
    severity: 'error' | 'warning' = 'error',
  ): ConfigProblem {
    return { severity, file: this.file, line: pos.line, col: pos.col, path: formatPath(path), message };
  }

  /** Position of the deepest node on `path` (or of the key `key` inside it). */
  locate(path: readonly PathSegment[], key?: string): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    const segments = key === undefined ? path : [...path, key];
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      const isLastKey = key !== undefined && i === segments.length - 1;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (isLastKey && keyNode.range) {
          offset = keyNode.range[0];
          break;
        }
        node = pair.value;
        const range = (node as Node | null)?.range ?? keyNode.range;
        if (range) offset = range[0];
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        const range = (node as Node | null)?.range;
        if (!range) break;
        offset = range[0];
      } else {
        break;
      }
    }
    return this.lineCounter.linePos(offset);
  }
}
