import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { DnsClient } from '../../src/check/dns-client';
import { makeDialer, parseConnectTo } from '../../src/probe/dialer';
import { probe, tryLogins, type ProbeOptions } from '../../src/probe/probe';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server';
import { startDovecot, type TestDovecot } from '../helpers/dovecot';
import { makeMailPki, type MailPki } from '../helpers/mail-pki';

/** The probe library against a real Dovecot: TLS modes, capabilities, certificates, logins. */
describe('mail server probe', () => {
  let pki: MailPki;
  let dovecot: TestDovecot;
  let dns: TestDnsServer;
  let options: ProbeOptions;
  let now: Date;

  beforeAll(async () => {
    pki = makeMailPki();
    dovecot = await startDovecot({
      users: [{ login: 'anna@probe.test', password: 'secret one' }],
      ...pki.issue(['mail.probe.test']),
    });
    dns = await startDnsServer([{ name: 'mail.probe.test', type: 'A', ttl: 60, data: '127.0.0.1' }]);
    const connectTo = [...dovecot.ports].map(([standard, real]) =>
      parseConnectTo(`mail.probe.test:${standard}:127.0.0.1:${real}`)!,
    );
    now = new Date();
    options = {
      dialer: makeDialer({
        lookup: (name, type) =>
          new DnsClient({ server: { host: '127.0.0.1', port: dns.port } }).lookup(name, type),
        connectTo,
      }),
      tls: { ca: [...rootCertificates, readFileSync(pki.ca, 'utf8')] },
      timeoutMs: 3000,
      now,
    };
  });
  afterAll(async () => {
    await dovecot?.stop();
    await dns?.close();
    pki?.remove();
  });

  it.each([
    ['imap', 993, 'tls'],
    ['imap', 143, 'starttls'],
    ['pop3', 995, 'tls'],
    ['pop3', 110, 'starttls'],
    ['smtp', 465, 'tls'],
    ['smtp', 587, 'starttls'],
  ] as const)(
    '%s on %i with %s: greeting, TLS, certificate and AUTH mechanisms',
    async (protocol, port, security) => {
      const outcome = await probe({ protocol, host: 'mail.probe.test', port, security }, options);
      expect(outcome.error).toBeUndefined();
      expect(outcome.ok).toBe(true);
      expect(outcome.tls?.certificate.ok).toBe(true);
      expect(outcome.tls?.certificate.daysLeft).toBeGreaterThanOrEqual(1);
      expect(outcome.capabilities?.mechanisms).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN']));
      if (security === 'starttls') expect(outcome.starttlsOffered).toBe(true);
    },
  );

  it('reports a plain greeting on an implicit-TLS attempt as a TLS failure', async () => {
    const outcome = await probe(
      { protocol: 'imap', host: 'mail.probe.test', port: 143, security: 'tls' },
      options,
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.stage).toBe('tls');
  });

  it('STARTTLS on 143 after a failed TLS attempt there', async () => {
    const first = await probe(
      { protocol: 'imap', host: 'mail.probe.test', port: 143, security: 'tls' },
      options,
    );
    expect(first.error?.message).toBe('no TLS on this port: the server answered in plain text');
    const second = await probe(
      { protocol: 'imap', host: 'mail.probe.test', port: 143, security: 'starttls' },
      options,
    );
    expect(second.error).toBeUndefined();
  });

  it('reports another protocol on the port', async () => {
    const outcome = await probe(
      { protocol: 'imap', host: 'mail.probe.test', port: 465, security: 'tls' },
      options,
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toEqual({
      stage: 'greeting',
      message: expect.stringContaining('not an IMAP greeting: 220'),
    });
  });

  it('tries login names: only the full address works here', async () => {
    for (const [protocol, port] of [
      ['imap', 993],
      ['pop3', 995],
      ['smtp', 587],
    ] as const) {
      const security = port === 587 ? 'starttls' : 'tls';
      const results = await tryLogins(
        { protocol, host: 'mail.probe.test', port, security },
        ['anna@probe.test', 'anna'],
        'secret one',
        options,
      );
      expect(results).toEqual([
        { username: 'anna@probe.test', ok: true },
        { username: 'anna', ok: false },
      ]);
    }
  });
});
