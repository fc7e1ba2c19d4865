import { Snapshot } from '../../../src/catalog/snapshot';
import { loadCatalogTexts } from '../../../src/catalog/load';
import { autoconfigTemplate, fillAutoconfig } from '../../../src/endpoints/autoconfig-template';
import { renderAutoconfig } from '../../../src/protocols/mozilla';
import { generateConfig } from '../../../scripts/generate-config';
import { loadExample, loadInline } from '../../helpers/example';

describe('autoconfig documents from shared templates', () => {
  it('are byte for byte what the renderer gives, for every domain of the example and a generated config', async () => {
    const generated = loadCatalogTexts([...generateConfig(1200)].map(([file, text]) => ({ file, text })));
    if (!generated.ok) throw new Error('generated config does not load');
    const escaped = loadInline({
      'a.yaml': `domain: example.com
aliases: [example.org, xn--bcher-kva.example]
provider: { name: "Tom & Jerry's <Mail> \\"quoted\\"", shortName: T&J }
incoming: [{ type: imap, host: imap.example.com, security: tls }]
outgoing: [{ host: smtp.example.com, security: starttls }]
`,
    });
    for (const config of [await loadExample(), generated.config, escaped]) {
      const snapshot = new Snapshot(config);
      for (const settings of config.domains) {
        const template = snapshot.prepared(autoconfigTemplate, settings);
        expect(fillAutoconfig(template, settings)).toBe(renderAutoconfig(settings));
      }
    }
  });

  it('are shared by the domains of one profile, and not by domains that differ', () => {
    const generated = loadCatalogTexts([...generateConfig(300)].map(([file, text]) => ({ file, text })));
    if (!generated.ok) throw new Error('generated config does not load');
    const snapshot = new Snapshot(generated.config);
    const templates = new Set(
      generated.config.domains.map((settings) => snapshot.prepared(autoconfigTemplate, settings)),
    );
    // 4 profiles × the overrides of the generator (login policy, provider name, alias, own servers).
    expect(templates.size).toBeGreaterThan(4);
    expect(templates.size).toBeLessThan(generated.config.domains.length / 5);
  });
});
