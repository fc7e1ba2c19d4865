import { Snapshot } from '../../../src/catalog/snapshot';
import { loadCatalogTexts, loadCatalogTextsInSlices, type CatalogConfig } from '../../../src/catalog/load';
import { answerAutoconfig } from '../../../src/endpoints/autoconfig';
import { answerAutodiscoverPost } from '../../../src/endpoints/autodiscover-pox';
import {
  aliasName,
  domainName,
  generateConfig,
  OVERRIDE_EVERY,
  profileOf,
} from '../../../scripts/generate-config';
import { FIXED_NOW, poxBody } from '../../helpers/example';

const DOMAINS = 4000;
/** Room for a few dozen domains' prepared answers, so the tests below pass the bound. */
const PREPARED_BYTES = 64 * 1024;
let config: CatalogConfig;
let snapshot: Snapshot;

beforeAll(() => {
  const files = [...generateConfig(DOMAINS)].map(([file, text]) => ({ file, text }));
  const result = loadCatalogTexts(files);
  if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 5)));
  config = result.config;
  snapshot = new Snapshot(config, 1, FIXED_NOW, { preparedBytes: PREPARED_BYTES });
});

const autoconfig = (domain: string) =>
  answerAutoconfig(snapshot, { emailaddress: `jane.doe@${domain}`, host: undefined });
const outlook = (domain: string) =>
  answerAutodiscoverPost(snapshot, { body: poxBody(`jane.doe@${domain}`), now: FIXED_NOW }).body.toString();

describe('a generated hoster config', () => {
  it('loads every domain and alias', () => {
    expect(config.domains).toHaveLength(DOMAINS);
    // Domains with servers of their own (inside their own zone) are warned about, since the
    // generator writes no service.hostAddresses for them: two warnings (IMAP, SMTP) each, nothing else.
    const ownServers = Math.ceil(DOMAINS / OVERRIDE_EVERY.ownServers);
    expect(
      config.warnings.filter((w) => !/has no address in service\.hostAddresses/.test(w.message)),
    ).toEqual([]);
    expect(config.warnings).toHaveLength(2 * ownServers);
    expect(snapshot.size).toBe(DOMAINS + Math.ceil(DOMAINS / OVERRIDE_EVERY.alias));
  });

  it('answers a bare domain with the settings of the profile its file extends', () => {
    const domain = domainName(1002);
    expect(profileOf(1002)).toBe('platform-us');
    const res = autoconfig(domain);
    expect(res.status).toBe(200);
    const xml = res.body.toString();
    expect(xml).toContain(`<emailProvider id="${domain}">`);
    expect(xml).toContain('<hostname>imap.us.hoster.example</hostname>');
    expect(xml).toContain('<displayName>Hoster Mail US</displayName>');
    expect(xml).toContain('<username>%EMAILADDRESS%</username>');
    // Inherited from platform-eu through platform-us.
    expect(xml).toContain('<documentation url="https://help.hoster.example/mail">');
    expect(outlook(domain)).toContain(`<LoginName>jane.doe@${domain}</LoginName>`);
  });

  it('applies per-domain overrides: login name, provider, own servers, aliases', () => {
    const localpart = domainName(OVERRIDE_EVERY.localpart * 3);
    expect(autoconfig(localpart).body.toString()).toContain('<username>%EMAILLOCALPART%</username>');
    expect(outlook(localpart)).toContain('<LoginName>jane.doe</LoginName>');

    const renamed = domainName(OVERRIDE_EVERY.provider * 2);
    const renamedXml = autoconfig(renamed).body.toString();
    expect(renamedXml).toContain(`<displayName>Customer ${OVERRIDE_EVERY.provider * 2} Mail</displayName>`);
    // The provider block is merged: the profile's short name stays.
    expect(renamedXml).toContain('<displayShortName>HosterEU</displayShortName>');

    const own = domainName(OVERRIDE_EVERY.ownServers * 11);
    const ownXml = autoconfig(own).body.toString();
    expect(ownXml).toContain(`<hostname>imap.${own}</hostname>`);
    expect(ownXml).toContain(`<hostname>smtp.${own}</hostname>`);
    expect(ownXml).toContain('<socketType>STARTTLS</socketType>');
    expect(ownXml).not.toContain('hoster.example</hostname>');
    expect(outlook(own)).toContain(`<Server>imap.${own}</Server>`);

    const aliased = OVERRIDE_EVERY.alias * 5;
    const viaAlias = autoconfig(aliasName(aliased));
    expect(viaAlias.status).toBe(200);
    expect(viaAlias.body.toString()).toContain(`<emailProvider id="${domainName(aliased)}">`);
  });

  it('serves the legacy and Exchange profiles with their own policies', () => {
    const legacy = domainName(2001);
    expect(profileOf(2001)).toBe('platform-legacy');
    const legacyXml = autoconfig(legacy).body.toString();
    expect(legacyXml).toContain('<port>25</port>');
    expect(legacyXml).toContain('<authentication>password-encrypted</authentication>');
    expect(outlook(legacy)).toContain('<LoginName>jane.doe</LoginName>');

    const exchange = domainName(3001);
    expect(profileOf(3001)).toBe('platform-exchange');
    const mobilesync = answerAutodiscoverPost(snapshot, {
      body: poxBody(
        `jane.doe@${exchange}`,
        'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
        'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006',
      ),
      now: FIXED_NOW,
    });
    expect(mobilesync.meta.outcome).toBe('ok');
    expect(mobilesync.body.toString()).toContain(
      '<Url>https://eas.hoster.example/Microsoft-Server-ActiveSync</Url>',
    );
  });

  it('answers unknown domains as unknown', () => {
    expect(autoconfig(domainName(DOMAINS)).status).toBe(404);
    expect(outlook(domainName(DOMAINS + 1))).toContain('<ErrorCode>500</ErrorCode>');
  });

  it('shares what the domains of one profile have in common instead of copying it', () => {
    const [a, b] = [snapshot.settings(domainName(1)), snapshot.settings(domainName(2))];
    expect(a?.incoming).toBe(b?.incoming);
    expect(a?.outgoing).toBe(b?.outgoing);
    // One prepared Outlook text serves both: answering the second adds no cache entry.
    outlook(domainName(1));
    const entries = snapshot.preparedUsage.entries;
    expect(outlook(domainName(2))).toContain('<LoginName>');
    expect(snapshot.preparedUsage.entries).toBe(entries);
    // A domain with the localpart policy resolves to other lists.
    expect(snapshot.settings(domainName(OVERRIDE_EVERY.localpart))?.incoming).not.toBe(a?.incoming);
  });

  it('keeps prepared answers within a byte budget and renders the rest again', () => {
    const first = autoconfig(domainName(5));
    for (let i = 100; i < 400; i++) autoconfig(domainName(i));
    expect(snapshot.preparedUsage.bytes).toBeLessThanOrEqual(PREPARED_BYTES);
    expect(snapshot.preparedUsage.entries).toBeLessThan(300);
    const again = autoconfig(domainName(5));
    expect(again).not.toBe(first); // evicted and prepared again
    expect(again.body.equals(first.body)).toBe(true);
  });
});

describe('loading a large config', () => {
  it('gives the event loop turns while it works, so a reloading server keeps answering', async () => {
    const files = [...generateConfig(DOMAINS)].map(([file, text]) => ({ file, text }));
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    const result = await loadCatalogTextsInSlices(files);
    clearInterval(counting);
    expect(result.ok && result.config.domains).toHaveLength(DOMAINS);
    // One turn per file at least; a load in one piece would give none.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(DOMAINS / 1000));
  });

  it('builds a snapshot in slices that indexes the same names as one built at once', async () => {
    const sliced = await Snapshot.build(config, 2, FIXED_NOW);
    expect(sliced.size).toBe(snapshot.size);
    for (const index of [0, 1, 9999 % DOMAINS, DOMAINS - 1])
      expect(sliced.settings(domainName(index))).toBe(snapshot.settings(domainName(index)));
    expect(sliced.settings(aliasName(OVERRIDE_EVERY.alias))?.domain).toBe(domainName(OVERRIDE_EVERY.alias));
  });
});
