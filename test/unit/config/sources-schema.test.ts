import { loadConfigTexts } from '../../../src/config/load';
import { formatProblem } from '../../../src/config/problems';

const PROFILE = `profiles:
  p: { incoming: [{ type: imap, host: imap.h.example, security: tls }], outgoing: [{ host: smtp.h.example, security: tls }] }
`;

function errors(sources: string): string[] {
  const result = loadConfigTexts([{ file: 'service.yaml', text: `${PROFILE}sources:\n${sources}` }]);
  return result.ok ? [] : result.errors.map(formatProblem);
}

describe('sources: in the config', () => {
  it('accepts a URL from the environment or a file, and durations', () => {
    const result = loadConfigTexts([
      {
        file: 'service.yaml',
        text: `${PROFILE}sources:
  - { type: postgresql, url: "\${DB_URL}", query: SELECT 1 AS domain, refresh: 30s, timeout: 500ms, notify: changes }
  - { type: mariadb, urlFile: secrets/db-url, query: SELECT 1 AS domain, refresh: 2m, tls: { mode: verify-full, ca: ca.pem } }
`,
      },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.sources?.list.map((s) => [s.refresh, s.timeout])).toEqual([
      [30_000, 500],
      [120_000, undefined],
    ]);
    expect(result.config.sources?.file).toBe('service.yaml');
  });

  it('refuses a password written into the config, without repeating it', () => {
    const found = errors(
      '  - { type: postgresql, url: "postgresql://panel:hunter2hunter@db.example/panel", query: SELECT 1 AS domain }\n',
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^service\.yaml:4:\d+ sources\[0\]\.url: holds a password: credentials may not be written into the config\. Put the URL in an environment variable \(url: \$\{MAIL_AUTOCONF_DB_URL\}\) or a file/,
      ),
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
    expect(
      errors(
        '  - { type: mariadb, url: "mysql://db.example/panel?password=hunter2hunter", query: SELECT 1 }\n',
      ),
    ).toEqual([expect.stringContaining('sources[0].url: holds a password')]);
  });

  it('wants source names to be unique (they label the metrics)', () => {
    expect(
      errors(
        '  - { name: a, type: mysql, urlFile: x, query: SELECT 1 }\n  - { name: a, type: mysql, urlFile: y, query: SELECT 1 }\n',
      ),
    ).toEqual([expect.stringMatching(/sources\[1\]\.name: the name a is already used by sources\[0\]/)]);
  });

  it('accepts a URL without a password (peer or certificate authentication)', () => {
    expect(
      errors('  - { type: postgresql, url: "postgresql://panel@db.example/panel", query: SELECT 1 }\n'),
    ).toEqual([]);
  });

  it('names every mistake', () => {
    expect(
      errors(`  - type: mysql
    url: \${DB_URL}
    urlFile: x
    query: SELECT 1
    notify: changes
    refresh: soon
    tls: { mode: require, ca: ca.pem }
    pol: 3
`),
    ).toEqual([
      expect.stringMatching(/sources\[0\]\.refresh: expected a duration such as 500ms, 30s, 5m or 1h/),
      expect.stringMatching(/sources\[0\]\.pol: unknown key \(did you mean "pool"\?\)/),
    ]);
    expect(
      errors(
        `  - { type: mysql, urlFile: x, query: SELECT 1, notify: changes, tls: { mode: require, ca: ca.pem } }\n`,
      ),
    ).toEqual([
      expect.stringMatching(/sources\[0\]\.notify: notify works with type postgresql only/),
      expect.stringMatching(/sources\[0\]\.tls\.ca: ca is used with mode verify-full only/),
    ]);
    expect(errors(`  - { type: postgresql, query: SELECT 1 }\n`)).toEqual([
      expect.stringMatching(/sources\[0\]\.url: set exactly one of url and urlFile/),
    ]);
    expect(errors(`  - { type: postgresql, url: "\${A}x", query: SELECT 1 }\n`)).toEqual([
      expect.stringMatching(
        /sources\[0\]\.url: expected the whole value to be one \$\{ENVIRONMENT_VARIABLE\}/,
      ),
    ]);
  });
});
