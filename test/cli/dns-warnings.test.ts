import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';

/** The DNS warnings as an admin sees them: printed by `validate`, repeated by `dns`. */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-warn-'));
  writeFileSync(
    join(dir, 'shop.example.yaml'),
    `domain: shop.example
incoming:
  - { type: imap, host: mail.shop.example, port: 9993, security: tls }
outgoing:
  - { type: smtp, host: autodiscover.shop.example, security: tls }
`,
  );
  writeFileSync(join(dir, 'service.yaml'), 'service: { publicHost: autoconfig.provider.example }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPECTED = [
  'shop.example.yaml:3:25 warning: incoming[0].host: mail.shop.example is inside the zone shop.example but has no address in service.hostAddresses',
  'shop.example.yaml:3:50 warning: incoming[0].port: implicit TLS on port 9993, where no client expects IMAP',
  'shop.example.yaml:5:25 warning: outgoing[0].host: autodiscover.shop.example is an SRV target and also the autodiscover name',
  'shop.example.yaml:5:25 warning: outgoing[0].host: autodiscover.shop.example is inside the zone shop.example but has no address in service.hostAddresses',
];

it('validate prints the DNS warnings with their place and still succeeds', async () => {
  const result = await runCli(['validate', '.'], { cwd: dir });
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(
    'OK: 1 domain (1 names with aliases) in 2 files of the current directory, 4 warnings\n',
  );
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(EXPECTED.length);
  lines.forEach((line, index) => expect(line.startsWith(EXPECTED[index] as string)).toBe(true));
});

it('dns repeats them and lists what it could not generate', async () => {
  const result = await runCli(['dns', 'shop.example', '--config', '.'], { cwd: dir });
  expect(result.code).toBe(0);
  for (const warning of EXPECTED) expect(result.stderr).toContain(warning);
  expect(result.stderr).toContain('not generated: mail.shop.example. A: no address is configured');
  expect(result.stderr).toContain('not generated: autodiscover.shop.example. A: no address is configured');
  expect(result.stdout).toMatch(
    /^_imaps\._tcp\.shop\.example\. +3600 +IN +SRV +0 1 9993 mail\.shop\.example\./m,
  );
  expect(result.stdout).not.toMatch(/^autodiscover\.shop\.example\. .*CNAME/m);
});

it('dns without service.publicHost says which records it cannot generate and why', async () => {
  const bare = mkdtempSync(join(tmpdir(), 'mail-autoconf-bare-'));
  try {
    writeFileSync(
      join(bare, 'd.yaml'),
      `domain: bare.example
incoming: [{ type: imap, host: imap.provider.example, security: tls }]
outgoing: [{ type: smtp, host: smtp.provider.example, security: tls }]
`,
    );
    const result = await runCli(['dns', 'bare.example', '--config', bare]);
    expect(result.code).toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'not generated: autoconfig.bare.example. CNAME: service.publicHost is not set: set it to get a CNAME, or set service.publicAddresses to get A/AAAA records',
      'not generated: autodiscover.bare.example. CNAME: service.publicHost is not set: set it to get a CNAME, or set service.publicAddresses to get A/AAAA records',
      'not generated: _autodiscover._tcp.bare.example. SRV: service.publicHost is not set: the SRV target must be the host name this service answers on',
    ]);
    expect(result.stdout).toContain(
      '; service.publicHost is not set, so the autoconfig./autodiscover. CNAMEs',
    );
    expect(result.stdout).toMatch(
      /^_imaps\._tcp\.bare\.example\. +3600 +IN +SRV +0 1 993 imap\.provider\.example\./m,
    );
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});
