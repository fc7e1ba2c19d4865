import { expectGolden } from '../helpers/golden';
import { runCli } from '../helpers/cli';
import { namedCheckzone, zoneSections } from '../helpers/named-checkzone';

/**
 * `mail-autoconf dns` as an admin runs it. The golden zones were reviewed by eye against
 * protocols.md §3 (labels, `0 0 0 .` for services not offered, one _autodiscover record, implicit
 * TLS first, absolute names with trailing dots).
 */
describe('mail-autoconf dns', () => {
  it.each(['example.com', 'example.net'])('prints the golden zone for %s', async (domain) => {
    const result = await runCli(['dns', domain]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expectGolden(`dns/${domain}.zone`, result.stdout);
  });

  it('prints JSON for automation', async () => {
    const result = await runCli(['dns', 'example.com', '--format', 'json', '--ttl', '300']);
    expect(result.code).toBe(0);
    expectGolden('dns/example.com.json', result.stdout);
    const zones = (JSON.parse(result.stdout) as { zones: { zone: string; records: { ttl: number }[] }[] })
      .zones;
    expect(zones.map((z) => z.zone)).toEqual(['example.com.', 'example.org.']);
    expect(zones.flatMap((z) => z.records).every((r) => r.ttl === 300)).toBe(true);
  });

  it('every zone of the example config passes named-checkzone with strict integrity checks', async () => {
    const result = await runCli(['dns', '--all']);
    expect(result.code).toBe(0);
    const sections = zoneSections(result.stdout);
    expect([...sections.keys()].sort()).toEqual(['example.com', 'example.net', 'example.org']);
    for (const [zone, section] of sections) {
      const check = namedCheckzone(zone, section);
      expect({ zone, ...check }).toEqual({ zone, ok: true, output: expect.stringContaining('OK') });
    }
  });

  it('an alias prints only its own zone; --ttl overrides the TTL', async () => {
    const result = await runCli(['dns', 'EXAMPLE.ORG', '--ttl', '60']);
    expect(result.code).toBe(0);
    expect([...zoneSections(result.stdout).keys()]).toEqual(['example.org']);
    expect(result.stdout).toContain('$TTL 60\n');
    expect(result.stdout).toMatch(
      /^_imaps\._tcp\.example\.org\. +60 +IN +SRV +0 1 993 imap\.example\.com\./m,
    );
  });

  it.each([
    [['dns'], 2, 'name at least one domain, or use --all'],
    [['dns', 'example.com', '--all'], 2, 'either domains or --all'],
    [['dns', 'unknown.example'], 2, 'not in the config: unknown.example'],
    [['dns', 'example.com', '--ttl', '-5'], 2, "option '--ttl <seconds>' argument '-5' is invalid"],
    [['dns', 'example.com', '--ttl', '99999999999'], 2, 'expected whole seconds'],
    [['dns', 'example.com', '--format', 'bind'], 2, 'Allowed choices are zone, json'],
  ])('%j exits %i with a clear message', async (argv, code, message) => {
    const result = await runCli(argv);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
