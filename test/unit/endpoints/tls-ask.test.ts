import fc from 'fast-check';
import { Snapshot } from '../../../src/catalog/snapshot';
import { answerTlsAsk, judgeCertificateName } from '../../../src/endpoints/tls-ask';
import { exampleSnapshot, loadInline } from '../../helpers/example';

let example: Snapshot;
beforeAll(async () => {
  example = await exampleSnapshot();
});

const withApex = (allowApex: boolean) =>
  new Snapshot(
    loadInline({
      'service.yaml': `service: { publicHost: mx.hosting.example, tls: { allowApex: ${allowApex} } }`,
      'd.yaml': `domain: bücher.example
aliases: [books.example]
incoming: [{ type: imap, host: imap.hosting.example, security: tls }]
outgoing: [{ host: smtp.hosting.example, security: tls }]`,
    }),
  );

describe('judgeCertificateName', () => {
  it.each([
    ['autoconfig.example.com', 'example.com'],
    ['autodiscover.example.com', 'example.com'],
    ['autoconfig.example.org', 'example.com'], // alias
    ['autodiscover.example.net', 'example.net'],
    ['AutoConfig.EXAMPLE.com', 'example.com'],
    ['autodiscover.example.net.', 'example.net'],
    ['autoconfig.hosting.example', 'autoconfig.hosting.example'], // service.publicHost
  ])('approves %s (for %s)', (name, domain) => {
    expect(judgeCertificateName(example, name)).toEqual({
      ok: true,
      name: name.toLowerCase().replace(/\.$/, ''),
      domain,
    });
  });

  it.each([
    'example.com', // apex: off unless service.tls.allowApex
    'www.example.com',
    'autoconfig.unknown.example',
    'autoconfig.autoconfig.example.com',
    'mail.autoconfig.example.com',
    'autoconfig.example.com.evil.example',
    'evil-autoconfig.example.com',
    'autoconfigexample.com',
    'autoconfig.com',
  ])('refuses the foreign or unserved name %s as not served', (name) => {
    expect(judgeCertificateName(example, name)).toEqual({ ok: false, reason: 'not-served' });
  });

  it.each(
    [
      '*.example.com',
      'autoconfig.*.com',
      '127.0.0.1',
      '[::1]',
      '::1',
      '203.0.113.7',
      'autoconfig.example.com:443',
      'autoconfig..example.com',
      'autoconfig.example.com..',
      '.autoconfig.example.com',
      'autoconfig.exa mple.com',
      'autoconfig.example.com/x',
      'autoconfig.example.com\u0000',
      'autoconfig_example.com',
      `autoconfig.${'a'.repeat(64)}.com`,
      `autoconfig.${'a.'.repeat(130)}com`,
      'x'.repeat(5000),
      'localhost',
    ].map((name) => [name.length > 60 ? `${name.slice(0, 40)}… (${name.length} characters)` : name, name]),
  )('refuses the malformed name %j', (_title, name) => {
    expect(judgeCertificateName(example, name)).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([undefined, '', ['autoconfig.example.com', 'autoconfig.example.com'], { a: 'b' }])(
    'refuses a missing or repeated parameter %j',
    (value) => {
      expect(judgeCertificateName(example, value)).toEqual({ ok: false, reason: 'missing' });
    },
  );

  it('approves bare domains and aliases only when service.tls.allowApex is set', () => {
    const off = withApex(false);
    const on = withApex(true);
    for (const name of ['xn--bcher-kva.example', 'books.example']) {
      expect(judgeCertificateName(off, name)).toEqual({ ok: false, reason: 'not-served' });
      expect(judgeCertificateName(on, name)).toEqual({ ok: true, name, domain: 'xn--bcher-kva.example' });
    }
    expect(judgeCertificateName(on, 'autoconfig.bücher.example')).toMatchObject({
      ok: true,
      name: 'autoconfig.xn--bcher-kva.example',
    });
    expect(judgeCertificateName(on, 'mx.hosting.example')).toMatchObject({ ok: true });
    expect(judgeCertificateName(on, 'hosting.example')).toEqual({ ok: false, reason: 'not-served' });
  });

  it('approves only names that are a served domain with one of the two prefixes, whatever the input', () => {
    const served = new Set(
      ['autoconfig', 'autodiscover'].flatMap((p) =>
        ['example.com', 'example.org', 'example.net'].map((d) => `${p}.${d}`),
      ),
    );
    served.add('autoconfig.hosting.example');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.domain(),
          fc.constantFrom(...served).map((n) => `${n}x`),
          fc.tuple(fc.constantFrom('autoconfig.', 'autodiscover.', ''), fc.domain()).map(([p, d]) => p + d),
        ),
        (raw) => {
          const verdict = judgeCertificateName(example, raw);
          if (verdict.ok) expect(served.has(verdict.name)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('answerTlsAsk', () => {
  it('answers 200, 404 and 400 with fixed plain-text bodies that never repeat the request', () => {
    const ok = answerTlsAsk(example, { domain: 'autoconfig.example.com' });
    expect(ok.status).toBe(200);
    expect(ok.headers['Cache-Control']).toBe('no-store');
    expect(ok.meta).toEqual({ protocol: 'tls-ask', outcome: 'ok', domain: 'example.com' });
    const unknown = answerTlsAsk(example, { domain: 'autoconfig.attacker.example' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.toString()).not.toContain('attacker');
    const bad = answerTlsAsk(example, { domain: '<script>.example' });
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).not.toContain('script');
  });
});
