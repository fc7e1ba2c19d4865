import { decideAutodiscoverGet, httpsHint } from '../../../src/endpoints/autodiscover-get';
import { answerAutodiscoverGet } from '../../../src/endpoints/autodiscover-pox';
import { exampleSnapshot, FIXED_NOW } from '../../helpers/example';

describe('decideAutodiscoverGet', () => {
  const base = {
    host: 'autodiscover.example.com',
    domain: 'example.com',
    path: '/autodiscover/autodiscover.xml',
  };

  it.each([
    [{ secure: true, httpsHint: false }, 'settings'],
    [{ secure: false, httpsHint: true }, 'settings'],
    [{ secure: true, httpsHint: true }, 'settings'],
    [{ secure: false, httpsHint: false }, 'redirect'],
  ])('%j on a served host: %s', (how, kind) => {
    expect(decideAutodiscoverGet({ ...base, ...how }).kind).toBe(kind);
  });

  it('never redirects to the URL the request came on: a redirect only answers plain http, and goes to https', () => {
    for (const secure of [true, false])
      for (const hint of [true, false]) {
        const decision = decideAutodiscoverGet({ ...base, secure, httpsHint: hint });
        if (decision.kind === 'redirect') {
          expect(secure || hint).toBe(false);
          expect(decision.location).toBe('https://autodiscover.example.com/autodiscover/autodiscover.xml');
        }
      }
  });

  it('an unserved host gets the error, over http and https', () => {
    for (const secure of [true, false])
      expect(decideAutodiscoverGet({ ...base, domain: undefined, secure, httpsHint: false })).toEqual({
        kind: 'error',
      });
  });
});

describe('httpsHint', () => {
  it.each([
    [{ 'x-forwarded-proto': 'https' }, true],
    [{ 'x-forwarded-proto': 'HTTPS' }, true],
    [{ 'x-forwarded-proto': 'http, https' }, true],
    [{ 'x-forwarded-proto': 'http' }, false],
    [{ forwarded: 'for=192.0.2.1;proto=https;host=autodiscover.example.com' }, true],
    [{ forwarded: 'for=192.0.2.1, for=198.51.100.2;proto="https"' }, true],
    [{ forwarded: 'for=192.0.2.1;proto=http' }, false],
    [{ 'x-forwarded-ssl': 'on' }, true],
    [{ 'front-end-https': 'On' }, true],
    [{}, false],
  ])('%j: %s', (headers, expected) => {
    expect(httpsHint(headers)).toBe(expected);
  });
});

describe('answerAutodiscoverGet', () => {
  it('over https on the bare domain (Delta Chat asks there first): the POX settings, without LoginName', async () => {
    const snapshot = await exampleSnapshot();
    const answer = answerAutodiscoverGet(snapshot, { host: 'example.com', secure: true, now: FIXED_NOW });
    expect(answer.status).toBe(200);
    expect(answer.headers['Content-Type']).toMatch(/^text\/xml/);
    const body = answer.body.toString('utf8');
    expect(body).toContain('<Type>IMAP</Type>');
    expect(body).toContain('<Port>993</Port>');
    expect(body).not.toContain('LoginName');
    expect(body).not.toContain('%EMAIL');
  });
});
