import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogDir } from '../../../src/catalog/load';
import { answerMobileconfig } from '../../../src/endpoints/mobileconfig';
import { ConfigHolder } from '../../../src/catalog/config-holder';
import { makeTestPki, type TestPki } from '../../helpers/certificates';
import { FIXED_NOW } from '../../helpers/example';
import { runTool } from '../../helpers/system-tool';

let first: TestPki;
let renewed: TestPki;
let dir: string;

beforeAll(() => {
  first = makeTestPki('rsa');
  renewed = makeTestPki('ec');
  dir = join(first.dir, 'config');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'example.com.yaml'),
    `domain: example.com
incoming: [{ type: imap, host: imap.example.com, security: tls }]
outgoing: [{ host: smtp.example.com, security: tls }]
`,
  );
  writeFileSync(
    join(dir, 'service.yaml'),
    'service:\n  signing: { certificate: ../served-chain.pem, key: ../served.key }\n',
  );
});
afterAll(() => {
  first.remove();
  renewed.remove();
});

function install(pki: TestPki): void {
  writeFileSync(
    join(first.dir, 'served-chain.pem'),
    Buffer.concat([pki.certificate, pki.intermediate].map((file) => readFileSync(file))),
  );
  copyFileSync(pki.key, join(first.dir, 'served.key'));
}

function verifiesWith(holder: ConfigHolder, root: string): boolean {
  const answer = answerMobileconfig(holder.snapshot(), { emailaddress: 'alice@example.com', now: FIXED_NOW });
  const file = join(first.dir, 'served.der');
  writeFileSync(file, answer.body);
  try {
    runTool(
      'openssl',
      ['cms', '-verify', '-inform', 'DER', '-in', file, '-CAfile', root, '-purpose', 'any'],
      {
        stdio: 'ignore',
      },
    );
    return true;
  } catch {
    return false;
  }
}

it('a reload picks up a renewed certificate; a broken one leaves the last good signer in place', async () => {
  install(first);
  const loaded = await loadCatalogDir(dir);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const holder = ConfigHolder.fromConfig(dir, loaded.config);
  expect(verifiesWith(holder, first.root)).toBe(true);

  install(renewed);
  expect((await holder.reload()).ok).toBe(true);
  expect(verifiesWith(holder, renewed.root)).toBe(true);
  expect(verifiesWith(holder, first.root)).toBe(false);

  copyFileSync(first.key, join(first.dir, 'served.key'));
  const failed = await holder.reload();
  expect(failed.ok).toBe(false);
  expect(failed.errors.map((e) => e.message)).toEqual([
    'the key does not belong to the certificate CN=autoconfig.example.com',
  ]);
  expect(verifiesWith(holder, renewed.root)).toBe(true);
});
