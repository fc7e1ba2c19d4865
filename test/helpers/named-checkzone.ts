import { spawnSync } from 'node:child_process';

/**
 * Loads a zone section printed by `mail-autoconf dns` into BIND's own checker, with the SOA and NS
 * records every real zone already has, and its integrity checks on in-zone names (`-i local`, so it
 * never looks names up outside): SRV targets must have address records and must not be CNAMEs.
 * named-checkzone only warns about a target without addresses, so any remark about the zone other
 * than "loaded serial" counts as a failure here.
 */
export function namedCheckzone(zone: string, section: string): { ok: boolean; output: string } {
  const text =
    `$ORIGIN ${zone}.\n$TTL 3600\n` +
    `@ IN SOA ns1.nameserver.invalid. hostmaster.${zone}. 1 7200 3600 1209600 3600\n` +
    `@ IN NS ns1.nameserver.invalid.\n` +
    section;
  const result = spawnSync(
    'named-checkzone',
    ['-i', 'local', '-k', 'fail', '-n', 'fail', '-M', 'fail', '-S', 'fail', '-r', 'fail', zone, '-'],
    { input: text, encoding: 'utf8' },
  );
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`;
  const remarks = output
    .split('\n')
    .filter((line) => line.startsWith(`zone ${zone}/IN:`) && !line.includes('loaded serial'));
  return { ok: result.status === 0 && remarks.length === 0, output };
}

/** The `$ORIGIN` sections of `dns` output, by zone name. */
export function zoneSections(output: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const section of output.split(/\n(?=; \S+: )/)) {
    const origin = /^\$ORIGIN (\S+)\.$/m.exec(section);
    if (origin) sections.set(origin[1] as string, section);
  }
  return sections;
}
