/** One line of the `check` report. */
export interface CheckResult {
  readonly section: 'dns' | 'autoconfig' | 'autodiscover' | 'https' | 'servers';
  readonly ok: boolean;
  /** A client needs this; a failed essential check makes `check` exit 1. */
  readonly essential: boolean;
  /** What was checked, e.g. `_imaps._tcp.example.com. SRV`. */
  readonly subject: string;
  /** What was found. */
  readonly message: string;
  /** What to change; set on failures. */
  readonly fix?: string;
}

export const pass = (section: CheckResult['section'], subject: string, message: string): CheckResult => ({
  section,
  ok: true,
  essential: false,
  subject,
  message,
});

export const fail = (
  section: CheckResult['section'],
  subject: string,
  message: string,
  fix: string,
  essential = true,
): CheckResult => ({ section, ok: false, essential, subject, message, fix });

/**
 * Clients try several URLs and use the first that works: a failure among them only matters when
 * none works, and then every failure explains part of why.
 */
export function alternatives(results: readonly CheckResult[]): CheckResult[] {
  const anyOk = results.some((result) => result.ok);
  return results.map((result) => (result.ok ? result : { ...result, essential: !anyOk }));
}
