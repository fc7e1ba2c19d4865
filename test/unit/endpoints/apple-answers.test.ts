import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { loadCatalogDir } from '../../../src/catalog/load';
import { answerMobileconfig, answerProfileQr } from '../../../src/endpoints/mobileconfig';
import { ConfigHolder } from '../../../src/catalog/config-holder';
import { makeTestPki, type TestPki } from '../../helpers/certificates';
import { FIXED_NOW } from '../../helpers/example';

let pki: TestPki;
let holder: ConfigHolder;

beforeAll(async () => {
  pki = makeTestPki('rsa');
  const dir = join(pki.dir, 'config');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'example.com.yaml'),
    'domain: example.com\nincoming: [{ type: imap, host: imap.example.com, security: tls }]\noutgoing: [{ host: smtp.example.com, security: tls }]\n',
  );
  writeFileSync(
    join(dir, 'service.yaml'),
    `service:\n  signing: { certificate: ${pki.certificate}, key: ${pki.key}, chain: ${pki.intermediate} }\n`,
  );
  const loaded = await loadCatalogDir(dir);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  holder = ConfigHolder.fromConfig(dir, loaded.config);
});
afterAll(() => pki.remove());
afterEach(() => jest.restoreAllMocks());

/** Counts calls to the snapshot's real signer; each call still signs. */
function countSignatures(): () => number {
  const signer = holder.snapshot().signer;
  if (!signer) throw new Error('the test config has no signer');
  const spy = jest.spyOn(signer, 'sign');
  return () => spy.mock.calls.length;
}

describe('security review #4: signed profiles and QR codes are not made again for each request', () => {
  it('signs a profile once per address, then answers the same bytes', () => {
    const signatures = countSignatures();
    const ask = (emailaddress: string) =>
      answerMobileconfig(holder.snapshot(), { emailaddress, now: FIXED_NOW });
    const first = ask('alice@example.com');
    for (let i = 0; i < 20; i++) expect(ask('alice@example.com').body).toEqual(first.body);
    expect(signatures()).toBe(1);
    expect(ask('bob@example.com').body).not.toEqual(first.body);
    expect(ask('bob@example.com').body).not.toEqual(first.body);
    expect(signatures()).toBe(2);
  });

  it('signs again after a reload: a new certificate or new settings are never hidden by the cache', async () => {
    answerMobileconfig(holder.snapshot(), { emailaddress: 'carol@example.com', now: FIXED_NOW });
    expect((await holder.reload()).ok).toBe(true);
    const signatures = countSignatures();
    answerMobileconfig(holder.snapshot(), { emailaddress: 'carol@example.com', now: FIXED_NOW });
    answerMobileconfig(holder.snapshot(), { emailaddress: 'carol@example.com', now: FIXED_NOW });
    expect(signatures()).toBe(1);
  });

  it('draws a QR code once per address', async () => {
    const drawn = jest.spyOn(QRCode, 'toString');
    const ask = (emailaddress: string) => answerProfileQr(holder.snapshot(), { emailaddress });
    const first = await ask('alice@example.com');
    for (let i = 0; i < 10; i++) expect((await ask('alice@example.com')).body).toEqual(first.body);
    expect(drawn).toHaveBeenCalledTimes(1);
    expect((await ask('dave@example.com')).body).not.toEqual(first.body);
    expect(drawn).toHaveBeenCalledTimes(2);
    expect((await holder.reload()).ok).toBe(true);
    await ask('alice@example.com');
    expect(drawn).toHaveBeenCalledTimes(3);
  });
});
