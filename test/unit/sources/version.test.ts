import { RowResolver } from '../../../src/sources/resolve-rows';
import { configVersion } from '../../../src/sources/version';
import { loadInline } from '../../helpers/example';

const config = loadInline({
  'service.yaml': `profiles:
  p: { incoming: [{ type: imap, host: imap.h.example, security: tls }], outgoing: [{ host: smtp.h.example, security: tls }] }
`,
});

function digest(rows: Record<string, unknown>[]): string {
  const steps = new RowResolver('sources[0]', 'p').steps(config, { rows, columns: ['domain', 'username'] });
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value.digest;
}

describe('the config version', () => {
  const a = { domain: 'a.example', username: null };
  const b = { domain: 'b.example', username: 'localpart' };

  it('is the same for the same rows in any order, as on two replicas reading one database', () => {
    expect(digest([a, b])).toBe(digest([b, a]));
    expect(configVersion(config, [{ label: 'sources[0]', digest: digest([a, b]) }])).toBe(
      configVersion(config, [{ label: 'sources[0]', digest: digest([b, a]) }]),
    );
  });

  it('changes when a row is added, removed or changed, or the YAML changes', () => {
    const base = digest([a, b]);
    expect(digest([a])).not.toBe(base);
    expect(digest([a, b, { domain: 'c.example', username: null }])).not.toBe(base);
    expect(digest([a, { ...b, username: 'email' }])).not.toBe(base);
    expect(configVersion(config)).toMatch(/^[0-9a-f]{16}$/);
    expect(configVersion({ digest: 'other' })).not.toBe(configVersion(config));
  });
});
