import { prepareDomainPage } from '../../../src/pages/domain-facts';
import { loadExample, loadInline } from '../../helpers/example';

describe('domain facts for the settings page', () => {
  it('derives the CNAMEs to the public host and RFC 6186/8314 SRV records, preferred first', async () => {
    const config = await loadExample();
    const settings = config.domains.find((domain) => domain.domain === 'example.com');
    if (!settings) throw new Error('example.com missing from the example config');
    const facts = prepareDomainPage(settings, config.service);
    expect(facts.dnsFacts).toEqual([
      { name: 'autoconfig.example.com.', type: 'CNAME', value: 'autoconfig.hosting.example.' },
      { name: 'autodiscover.example.com.', type: 'CNAME', value: 'autoconfig.hosting.example.' },
      { name: '_imaps._tcp.example.com.', type: 'SRV', value: '0 1 993 imap.example.com.' },
      { name: '_pop3s._tcp.example.com.', type: 'SRV', value: '10 1 995 pop.example.com.' },
      { name: '_submissions._tcp.example.com.', type: 'SRV', value: '0 1 465 smtp.example.com.' },
      { name: '_submission._tcp.example.com.', type: 'SRV', value: '10 1 587 smtp.example.com.' },
    ]);
    expect(facts.autoconfigUrls).toEqual([
      'https://autoconfig.example.com/mail/config-v1.1.xml',
      'https://example.com/.well-known/autoconfig/mail/config-v1.1.xml',
    ]);
    expect(facts.hasImap).toBe(true);
  });

  it('publishes no SRV record for an unencrypted server and no CNAME without a public host', () => {
    const config = loadInline({
      'plain.yaml': `
domain: plain.example
incoming:
  - { type: pop3, host: pop.plain.example, security: none }
  - { type: pop3, host: pop.plain.example, security: starttls }
outgoing: [{ type: smtp, host: smtp.plain.example, security: none }]
`,
    });
    const [settings] = config.domains;
    if (!settings) throw new Error('no domain loaded');
    const facts = prepareDomainPage(settings, config.service);
    expect(facts.dnsFacts).toEqual([
      { name: '_pop3._tcp.plain.example.', type: 'SRV', value: '10 1 110 pop.plain.example.' },
    ]);
    expect(facts.cnameTarget).toBeUndefined();
    expect(facts.hasImap).toBe(false);
  });
});
