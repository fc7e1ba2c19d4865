import { domainZones } from '../../../src/dns/records';
import { prepareDomainPage } from '../../../src/pages/domain-facts';
import { Snapshot } from '../../../src/catalog/snapshot';
import { loadExample, loadInline } from '../../helpers/example';

const PATHS = {
  autoconfig: ['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml'],
  autodiscover: '/autodiscover/autodiscover.xml',
  mobileconfig: '/mobileconfig',
  mobileconfigQr: '/mobileconfig/qr.svg',
} as const;

describe('domain facts for the settings page', () => {
  it('shows the records `dns` prints for the domain’s own zone, without "not available" ones', async () => {
    const config = await loadExample();
    const snapshot = new Snapshot(config);
    const settings = snapshot.settings('example.com');
    if (!settings) throw new Error('example.com missing from the example config');
    const facts = prepareDomainPage(settings, config.service, domainZones(settings, snapshot.dns), PATHS);
    const values = facts.dnsFacts.map((fact) => `${fact.name} ${fact.type} ${fact.value}`);
    expect(values).toEqual(
      expect.arrayContaining([
        'autoconfig.example.com. CNAME autoconfig.hosting.example.',
        'autodiscover.example.com. CNAME autoconfig.hosting.example.',
        '_imaps._tcp.example.com. SRV 0 1 993 imap.example.com.',
        '_pop3s._tcp.example.com. SRV 10 1 995 pop.example.com.',
        '_submissions._tcp.example.com. SRV 0 1 465 smtp.example.com.',
        '_submission._tcp.example.com. SRV 10 1 587 smtp.example.com.',
        '_autodiscover._tcp.example.com. SRV 0 0 443 autoconfig.hosting.example.',
      ]),
    );
    expect(values.filter((value) => / SRV \d+ \d+ 0 \.$/.test(value))).toEqual([]);
    expect(values.every((value) => value.includes('example.com.'))).toBe(true);
    expect(facts.autoconfigUrls).toEqual([
      'https://autoconfig.example.com/mail/config-v1.1.xml',
      'https://example.com/.well-known/autoconfig/mail/config-v1.1.xml',
    ]);
    expect(facts.hasImap).toBe(true);
  });

  it('has no CNAME without a public host, and no IMAP when the domain offers none', () => {
    const config = loadInline({
      'plain.yaml': `
domain: plain.example
incoming:
  - { type: pop3, host: pop.provider.example, security: starttls }
outgoing: [{ type: smtp, host: smtp.provider.example, security: starttls }]
`,
    });
    const snapshot = new Snapshot(config);
    const settings = snapshot.settings('plain.example');
    if (!settings) throw new Error('no domain loaded');
    const facts = prepareDomainPage(settings, config.service, domainZones(settings, snapshot.dns), PATHS);
    expect(facts.dnsFacts.map((fact) => `${fact.name} ${fact.type} ${fact.value}`)).toEqual([
      '_submission._tcp.plain.example. SRV 0 1 587 smtp.provider.example.',
      '_pop3._tcp.plain.example. SRV 0 1 110 pop.provider.example.',
    ]);
    expect(facts.cnameTarget).toBeUndefined();
    expect(facts.hasImap).toBe(false);
  });
});
