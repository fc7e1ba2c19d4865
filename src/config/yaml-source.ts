import { CORE_SCHEMA, load as fastLoad, YAMLException } from 'js-yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigProblem, PathSegment } from './problems';
import { formatPath } from './problems';
import { explainSyntaxErrors } from './yaml-syntax';

/**
 * One YAML file that can map a path inside its data back to `line:col`, so schema errors point at
 * the exact key or value.
 *
 * Reading the data and locating problems are two jobs with very different costs. A hoster's config
 * of 100,000 domains is read in a fraction of a second by js-yaml, while building the position-aware
 * document of the `yaml` package takes ten times as long and keeps every node alive. So the data
 * comes from js-yaml (YAML 1.2 core schema, which is also the `yaml` package's default), and the
 * positioned document is built only when a problem must be located or js-yaml refuses the text.
 */
export class YamlSource {
  private positioned: { doc: Document.Parsed; lineCounter: LineCounter } | undefined;
  private fast: { ok: true; data: unknown } | { ok: false; error: unknown } | undefined;

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
    // js-yaml refused what the `yaml` package accepts (an alias, a tag): the `yaml` data is used.
    return [];
  }

  /** The data, or a located problem when YAML aliases would expand beyond reason. */
  toData(): { ok: true; data: unknown } | { ok: false; problem: ConfigProblem } {
    const fast = this.readFast();
    if (fast.ok) return fast;
    try {
      return { ok: true, data: this.document().doc.toJS({ maxAliasCount: 100 }) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, problem: this.problem([], `cannot read the document: ${message}`) };
    }
  }

  private readFast(): NonNullable<YamlSource['fast']> {
    if (!this.fast) {
      // Aliases are left to the `yaml` package: js-yaml shares aliased nodes, and a few nested
      // aliases ("billion laughs") would make validation walk an exponential tree. Its
      // maxAliasCount bounds that. A `*` elsewhere (in a quoted text) only costs the slow path.
      if (this.text.includes('*')) this.fast = { ok: false, error: undefined };
      else {
        try {
          this.fast = { ok: true, data: fastLoad(this.text, { schema: CORE_SCHEMA, filename: this.file }) };
        } catch (error) {
          if (!(error instanceof YAMLException)) throw error;
          this.fast = { ok: false, error };
        }
      }
    }
    return this.fast;
  }

  private document(): NonNullable<YamlSource['positioned']> {
    if (!this.positioned) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(this.text, { lineCounter, prettyErrors: false, uniqueKeys: true });
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
