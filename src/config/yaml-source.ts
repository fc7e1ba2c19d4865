import { isMap, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import type { ConfigProblem, PathSegment } from './problems';
import { formatPath } from './problems';
import { foreignTags, parsePositioned, positionedData, readFast, type FastRead } from './yaml-core';
import { explainSyntaxErrors } from './yaml-syntax';

/**
 * One YAML file that can map a path inside its data back to `line:col`, so schema errors point at
 * the exact key or value.
 *
 * Reading the data and locating problems are two jobs with very different costs. A hoster's config
 * of 100,000 domains is read in a fraction of a second by js-yaml, while building the position-aware
 * document of the `yaml` package takes ten times as long and keeps every node alive. So the data
 * comes from js-yaml, and the positioned document is built only when a problem must be located or
 * js-yaml's answer sends the file to the `yaml` package; both read YAML 1.2 core (yaml-core.ts).
 */
export class YamlSource {
  private positioned: { doc: Document.Parsed; lineCounter: LineCounter } | undefined;
  private fast: FastRead | undefined;

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {}

  /** Syntax errors, each located. */
  syntaxProblems(): ConfigProblem[] {
    const fast = this.readFast();
    if (fast.ok) return [];
    const { doc, lineCounter } = this.document();
    if (doc.errors.length > 0) {
      const errors = doc.errors.map((error) => ({
        ...lineCounter.linePos(error.pos[0]),
        code: error.code,
        message: error.message.split('\n')[0] ?? error.message,
      }));
      return explainSyntaxErrors(this.text, errors).map((error) => this.problemAt(error, [], error.message));
    }
    // A tag outside the core schema (!!binary, !custom) means nothing here; js-yaml refuses it,
    // and the `yaml` package would read it (or warn), so it is refused on this path too.
    const tags = foreignTags(doc);
    if (tags.length > 0) {
      return tags.map(({ tag, offset }) =>
        this.problemAt(
          lineCounter.linePos(offset),
          [],
          `unsupported tag ${tag}: only the YAML 1.2 core types are read`,
        ),
      );
    }
    // js-yaml refused what the `yaml` package accepts (an alias, a tag): the `yaml` data is used.
    return [];
  }

  /** The data, or a located problem when YAML aliases would expand beyond reason. */
  toData(): { ok: true; data: unknown } | { ok: false; problem: ConfigProblem } {
    const fast = this.readFast();
    if (fast.ok) return fast;
    try {
      return { ok: true, data: positionedData(this.document().doc) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, problem: this.problem([], `cannot read the document: ${message}`) };
    }
  }

  private readFast(): FastRead {
    this.fast ??= readFast(this.text, this.file);
    return this.fast;
  }

  private document(): NonNullable<YamlSource['positioned']> {
    if (!this.positioned) {
      const lineCounter = new LineCounter();
      const doc = parsePositioned(this.text, { lineCounter });
      this.positioned = { doc, lineCounter };
    }
    return this.positioned;
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
    const { doc, lineCounter } = this.document();
    let node: unknown = doc.contents;
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
    return lineCounter.linePos(offset);
  }
}
