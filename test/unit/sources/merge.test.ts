import { mergeSourceDomains } from '../../../src/sources/merge';
import { loadInline } from '../../helpers/example';

const PROFILE = `profiles:
  p: { incoming: [{ type: imap, host: imap.h.example, security: tls }], outgoing: [{ host: smtp.h.example, security: tls }] }
`;

function settingsOf(yaml: string) {
  return loadInline({ 'rows.yaml': `${PROFILE}defaults: { extends: p }\ndomains:\n${yaml}` }).domains;
}

describe('merging source domains with YAML and with each other', () => {
  const config = loadInline({
    'service.yaml': `${PROFILE}domains:
  - { domain: yaml.example, extends: p }
  - { domain: own.example, aliases: [own-alias.example], extends: p, overridesSources: true }
`,
  });

  it('refuses a name defined in YAML, naming both; lets an overriding YAML entry win quietly', async () => {
    const rows = settingsOf('  - yaml.example\n  - own-alias.example\n  - fine.example\n').map((s) => ({
      ...s,
      source: { file: `sources[0] row ${s.domain}`, path: '' },
    }));
    const merged = await mergeSourceDomains(config, [{ label: 'sources[0]', domains: rows }]);
    expect(merged.domains.map((d) => d.domain)).toEqual(['yaml.example', 'own.example', 'fine.example']);
    expect(merged.problems).toEqual([
      [
        expect.stringMatching(
          /^sources\[0\] row yaml\.example: domain yaml\.example is also defined in YAML at service\.yaml \(domains\[0\]\); remove one, or mark the YAML entry "overridesSources: true"/,
        ),
      ],
    ]);
    expect(merged.accepted).toEqual([1]);
  });

  it('keeps a name for the first source that has it', async () => {
    const first = settingsOf('  - shared.example\n').map((s) => ({
      ...s,
      source: { file: 'sources[0] row 1', path: '' },
    }));
    const second = settingsOf('  - { domain: other.example, aliases: [shared.example] }\n').map((s) => ({
      ...s,
      source: { file: 'sources[1] row 7', path: '' },
    }));
    const merged = await mergeSourceDomains(config, [
      { label: 'sources[0]', domains: first },
      { label: 'sources[1]', domains: second },
    ]);
    expect(merged.accepted).toEqual([1, 0]);
    expect(merged.problems[1]).toEqual([
      'sources[1] row 7: domain shared.example is already defined at sources[0] row 1',
    ]);
  });
});
