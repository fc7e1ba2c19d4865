import type { ConfigProblem, PathSegment } from '../config/problems';
import { formatPath } from '../config/problems';
import { YamlSource } from '../config/yaml-source';

/**
 * Stands where the resolver expects a YAML file, for a row of a SQL source: its problems are named
 * after the source and the row ("sources[0] row 1234 domain=shop.example") instead of a line and a
 * column, which a row does not have.
 */
export class RowSource extends YamlSource {
  constructor(readonly label: string) {
    super(label, '');
  }

  override problem(
    path: readonly PathSegment[],
    message: string,
    options: { key?: string; severity?: 'error' | 'warning' } = {},
  ): ConfigProblem {
    return {
      severity: options.severity ?? 'error',
      file: this.label,
      line: 0,
      col: 0,
      path: formatPath(path),
      message,
    };
  }

  override locate(): { line: number; col: number } {
    return { line: 0, col: 0 };
  }
}

/** How a row is named in every message: source, position in the result, and its domain. */
export function rowLabel(source: string, row: number, domain: unknown): string {
  const name =
    typeof domain === 'string' && /^[\p{L}\p{N}._-]{1,253}$/u.test(domain.trim())
      ? domain.trim()
      : JSON.stringify(typeof domain === 'string' ? domain.slice(0, 80) : (domain ?? null));
  return `${source} row ${row} domain=${name}`;
}
