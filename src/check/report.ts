import type { CheckReport } from './run-check';

const SECTIONS = {
  dns: 'DNS',
  autoconfig: 'Autoconfig (Thunderbird, K-9, Evolution, KMail)',
  autodiscover: 'Autodiscover (Outlook, Thunderbird)',
  https: 'Certificates of the https names',
  servers: 'Mail servers (connected to as clients will)',
} as const;

/** One line per check, ✔ or ✘, and under every ✘ what to change. */
export function formatReport(report: CheckReport, resolver: string): string {
  const lines = [`Checking ${report.zone} as a client would for ${report.address} (resolver ${resolver})`];
  for (const [section, title] of Object.entries(SECTIONS)) {
    const results = report.results.filter((result) => result.section === section);
    if (results.length === 0) continue;
    lines.push('', title);
    for (const result of results) {
      const minor = !result.ok && !result.essential ? ' (clients manage without it)' : '';
      lines.push(`  ${result.ok ? '✔' : '✘'} ${result.subject}: ${result.message}${minor}`);
      if (!result.ok && result.fix) lines.push(`      fix: ${result.fix}`);
    }
  }
  const failed = report.results.filter((result) => !result.ok);
  const essential = failed.filter((result) => result.essential);
  lines.push(
    '',
    failed.length === 0
      ? `All ${report.results.length} checks passed.`
      : essential.length > 0
        ? `${failed.length} of ${report.results.length} checks failed, ${essential.length} of them needed by clients: fix those first.`
        : `${failed.length} of ${report.results.length} checks failed; clients can still set up ${report.zone}.`,
  );
  return `${lines.join('\n')}\n`;
}

export function reportJson(report: CheckReport, resolver: string): string {
  return `${JSON.stringify({ resolver, ...report }, null, 2)}\n`;
}
