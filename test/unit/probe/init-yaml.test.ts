import { load } from 'js-yaml';
import { loadConfigTexts } from '../../../src/config/load';
import type { CertificateVerdict } from '../../../src/probe/certificate';
import { candidateHosts, rankFindings, type Finding } from '../../../src/probe/discover';
import { renderInitYaml } from '../../../src/probe/init-yaml';
import type { ProbeSecurity } from '../../../src/probe/probe';

const goodCertificate: CertificateVerdict = {
  ok: true,
  trusted: true,
  expired: false,
  notYetValid: false,
  coversHost: true,
  daysLeft: 80,
  names: ['x'],
  validTo: '2027-01-01T00:00:00.000Z',
  summary: 'certificate for x valid for 80 more days',
};

function finding(
  protocol: Finding['protocol'],
  host: string,
  port: number,
  security: ProbeSecurity,
  options: { mechanisms?: string[]; certificate?: Partial<CertificateVerdict> } = {},
): Finding {
  const tls =
    security === 'none'
      ? undefined
      : { protocol: 'TLSv1.3', certificate: { ...goodCertificate, ...options.certificate } };
  const outcome = {
    target: { protocol, host, port, security },
    ok: true,
    ...(tls && { tls }),
    capabilities: {
      starttls: security === 'starttls',
      mechanisms: options.mechanisms ?? ['PLAIN', 'LOGIN'],
      plainLogin: protocol !== 'smtp',
    },
  };
  return { protocol, host, port, security, outcome, tried: [outcome] };
}

describe('candidateHosts', () => {
  it('guesses like Thunderbird, then the MX; given hosts replace the guesses', () => {
    expect(candidateHosts('example.com', ['MX1.Example.NET.'], [])).toEqual([
      'imap.example.com',
      'smtp.example.com',
      'pop.example.com',
      'pop3.example.com',
      'mail.example.com',
      'mx1.example.net',
    ]);
    expect(candidateHosts('example.com', ['mx1.example.net'], ['Mail.Example.com'])).toEqual([
      'mail.example.com',
    ]);
  });
});

describe('rankFindings', () => {
  const hosts = ['imap.example.com', 'mail.example.com'];
  it('implicit TLS first, a refused certificate last, plain text and SMTP without AUTH never', () => {
    const ranked = rankFindings(
      [
        finding('imap', 'mail.example.com', 143, 'starttls'),
        finding('imap', 'imap.example.com', 993, 'tls', { certificate: { ok: false } }),
        finding('imap', 'mail.example.com', 993, 'tls'),
        finding('imap', 'imap.example.com', 143, 'none'),
        finding('smtp', 'mail.example.com', 25, 'starttls', { mechanisms: [] }),
      ],
      hosts,
    );
    expect(ranked.map((f) => `${f.host}:${f.port}`)).toEqual([
      'mail.example.com:993',
      'mail.example.com:143',
      'imap.example.com:993',
    ]);
  });
});

describe('renderInitYaml', () => {
  const plan = {
    domain: 'example.com',
    providerName: 'Example: "Mail" #1',
    hostsProbed: ['imap.example.com', 'smtp.example.com'],
    incoming: [finding('imap', 'imap.example.com', 993, 'tls')],
    outgoing: [
      finding('smtp', 'smtp.example.com', 465, 'tls'),
      finding('smtp', 'smtp.example.com', 587, 'starttls'),
    ],
    findings: [
      finding('imap', 'imap.example.com', 993, 'tls'),
      finding('imap', 'imap.example.com', 143, 'none'),
      finding('smtp', 'smtp.example.com', 465, 'tls'),
      finding('smtp', 'smtp.example.com', 587, 'starttls'),
    ],
    date: new Date('2026-12-01T00:00:00Z'),
  };

  it('writes a config that loads, with quoted provider names and what was left out', () => {
    const yaml = renderInitYaml(plan);
    const loaded = loadConfigTexts([{ file: 'example.com.yaml', text: yaml }]);
    expect(loaded.ok).toBe(true);
    expect((load(yaml) as { provider: { name: string } }).provider.name).toBe('Example: "Mail" #1');
    expect(yaml).toContain('imap.example.com:143 IMAP plain text only');
    expect(yaml).toContain('never advertised: passwords would travel unencrypted');
    expect(yaml).toContain('Login form NOT measured');
  });

  it('per-server login names when the servers disagree', () => {
    const yaml = renderInitYaml({
      ...plan,
      login: {
        address: 'anna@example.com',
        measurements: [
          {
            target: { protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls' },
            tries: [],
            policy: 'localpart',
          },
          {
            target: { protocol: 'smtp', host: 'smtp.example.com', port: 465, security: 'tls' },
            tries: [],
            policy: 'email',
          },
          {
            target: { protocol: 'smtp', host: 'smtp.example.com', port: 587, security: 'starttls' },
            tries: [],
            policy: 'email',
          },
        ],
      },
    });
    const config = load(yaml) as { username: string; outgoing: { username?: string }[] };
    expect(config.username).toBe('localpart');
    expect(config.outgoing.map((s) => s.username)).toEqual(['email', 'email']);
    expect(loadConfigTexts([{ file: 'x.yaml', text: yaml }]).ok).toBe(true);
  });

  it('an auth list per server when a server offers more than passwords (never OAuth2: it needs `oauth2:`)', () => {
    const yaml = renderInitYaml({
      ...plan,
      outgoing: [
        finding('smtp', 'smtp.example.com', 465, 'tls', {
          mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'XOAUTH2'],
        }),
      ],
    });
    expect(yaml).toContain('auth: password-cleartext');
    expect(yaml).not.toContain('OAuth2');
    expect(loadConfigTexts([{ file: 'x.yaml', text: yaml }]).ok).toBe(true);
  });
});
