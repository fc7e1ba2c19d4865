import { keyFileExposure } from '../../../src/config/key-permissions';

const SERVER = 1000;
const ROOT = 0;

describe('security review #9: a signing key must be private to the server', () => {
  it.each([
    [0o600, SERVER],
    [0o400, SERVER],
    [0o640, ROOT],
    [0o440, ROOT],
    [0o600, ROOT],
  ])('accepts mode %o owned by uid %i', (mode, uid) => {
    expect(keyFileExposure('tls/privkey.pem', { mode: 0o100000 | mode, uid }, SERVER)).toBeUndefined();
  });

  it.each([
    [0o644, SERVER, 'other users (mode 644)'],
    [0o666, SERVER, 'other users (mode 666)'],
    [0o604, SERVER, 'other users (mode 604)'],
    [0o640, SERVER, 'its group (mode 640)'],
    [0o620, SERVER, 'its group (mode 620)'],
    [0o644, ROOT, 'other users (mode 644)'],
    [0o660, ROOT, 'its group (mode 660)'],
    [0o601, ROOT, 'other users (mode 601)'],
  ])('refuses mode %o owned by uid %i', (mode, uid, who) => {
    expect(keyFileExposure('tls/privkey.pem', { mode: 0o100000 | mode, uid }, SERVER)).toBe(
      `tls/privkey.pem can be read or changed by ${who}; make it private to the server, e.g. chmod 600, or give it through systemd LoadCredential= or a Kubernetes Secret`,
    );
  });
});
