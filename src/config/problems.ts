import type { PathSegment } from '../core/path-segment';
/** A config error or warning, located in a file so an admin can jump to it. */
export interface ConfigProblem {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Path inside the document, e.g. `domains[2].incoming[0].port`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  // Line 0: a place without lines, such as a row of a SQL source; its name says where it is.
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.col}` : `${problem.file}:`;
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return problem.path
    ? `${where} ${prefix}${problem.path}: ${problem.message}`
    : `${where} ${prefix}${problem.message}`;
}

/** Where a problem is, without what it says: for places that must not repeat config values. */
export function locateProblem(problem: ConfigProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.col}`;
  return `${problem.path ? `${where} ${problem.path}` : where} (the server log has the details)`;
}

export type { PathSegment };

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}
