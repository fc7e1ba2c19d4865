/*
 * Parsed YAML and XML documents are walked by their field names as `any`: a wrong path fails the
 * assertion that reads it, which is what these tests check.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseEmailAddress, type EmailAddress } from '../../../src/core/address';
import { renderAutoconfig } from '../../../src/protocols/mozilla';
import { prepareOutlookResponse } from '../../../src/protocols/outlook';
import { fillPrepared, fillPreparedBytes, SlotRecorder } from '../../../src/protocols/prepared-text';
import { loadInline } from '../../helpers/example';

const address = (raw: string) => (parseEmailAddress(raw) as { ok: true; value: EmailAddress }).value;

const config = loadInline({
  'a.yaml': `domain: example.com
aliases: [example.org]
provider: { name: "Tom & Jerry's <Mail>", shortName: T&J }
incoming:
  - { type: imap, host: imap.example.com, security: tls }
  - { type: imap, host: imap.example.com, security: starttls }
  - { type: pop3, host: pop.example.com, security: none, auth: [password-encrypted, password-cleartext] }
outgoing:
  - { host: smtp.example.com, security: starttls, username: "%EMAILLOCALPART%.%EMAILDOMAIN%" }
  - { host: relay.example.com, security: tls, auth: [NTLM] }
  - { host: open.example.com, security: starttls, auth: none }
username: localpart
`,
});
const settings = config.domains[0]!;

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (_n, _p, _l, isAttribute) => !isAttribute,
  trimValues: false,
  parseTagValue: false,
});

describe('Mozilla autoconfig renderer', () => {
  const xml = renderAutoconfig(settings);
  const doc = parser.parse(xml);
  const provider = doc.clientConfig[0].emailProvider[0];

  it('is well-formed and escapes every config value', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain("<displayName>Tom &amp; Jerry's &lt;Mail&gt;</displayName>");
    expect(provider.displayShortName).toEqual(['T&J']);
  });

  it('lists the domain and its aliases and uses the domain as provider id', () => {
    expect(provider['@_id']).toEqual('example.com');
    expect(provider.domain).toEqual(['example.com', 'example.org']);
  });

  it('keeps servers in preference order with Thunderbird’s exact words', () => {
    expect(
      provider.incomingServer.map((s: Record<string, string[]>) => [
        s['@_type'],
        s.port?.[0],
        s.socketType?.[0],
      ]),
    ).toEqual([
      ['imap', '993', 'SSL'],
      ['imap', '143', 'STARTTLS'],
      ['pop3', '110', 'plain'],
    ]);
    expect(provider.incomingServer[2].authentication).toEqual(['password-encrypted', 'password-cleartext']);
    expect(provider.outgoingServer.map((s: Record<string, string[]>) => s.username?.[0])).toEqual([
      '%EMAILLOCALPART%.%EMAILDOMAIN%',
      '%EMAILLOCALPART%',
      '%EMAILLOCALPART%',
    ]);
  });

  it('writes no whitespace around text nodes (Thunderbird for Android fails on it)', () => {
    for (const match of xml.matchAll(/>([^<]+)</g)) {
      const text = match[1] as string;
      if (text.trim() !== '') expect(text).toBe(text.trim());
    }
  });
});

describe('Outlook POX renderer', () => {
  const prepared = prepareOutlookResponse(settings)!;
  const xml = fillPrepared(prepared, address('a.b+c@example.org'));
  const protocols = parser.parse(xml).Autodiscover[0].Response[0].Account[0].Protocol as Record<
    string,
    string[]
  >[];
  const field = (name: string) => protocols.map((p) => p[name]?.[0]);

  it('is well-formed, with the two default namespaces and no prefixes', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toMatch(
      /<Autodiscover xmlns="http:\/\/schemas.microsoft.com\/exchange\/autodiscover\/responseschema\/2006">/,
    );
    expect(xml).toMatch(
      /<Response xmlns="http:\/\/schemas.microsoft.com\/exchange\/autodiscover\/outlook\/responseschema\/2006a">/,
    );
  });

  it('puts literal login names computed by the policy, per server', () => {
    expect(field('LoginName')).toEqual(['a.b+c', 'a.b+c', 'a.b+c', 'a.b+c.example.org', 'a.b+c', 'a.b+c']);
  });

  it('encodes TLS so that both Outlook and Thunderbird read it right', () => {
    expect(field('SSL')).toEqual(['on', 'on', 'off', 'on', 'on', 'on']);
    expect(field('Encryption')).toEqual(['SSL', 'TLS', 'None', 'TLS', 'SSL', 'TLS']);
  });

  it('always sends SPA, on only for NTLM/Kerberos, and AuthRequired off only without authentication', () => {
    expect(field('SPA')).toEqual(['off', 'off', 'off', 'off', 'on', 'off']);
    expect(field('AuthRequired')).toEqual(['on', 'on', 'on', 'on', 'on', 'off']);
  });

  it('says UsePOPAuth on only when SMTP logs in like the first incoming server', () => {
    // The last server takes no login at all, so there are no POP credentials to reuse.
    expect(field('UsePOPAuth')).toEqual([undefined, undefined, undefined, 'off', 'on', 'off']);
    expect(field('Type')).toEqual(['IMAP', 'IMAP', 'POP3', 'SMTP', 'SMTP', 'SMTP']);
  });

  it('renders the same bytes for the same address every time, and differs only in address values', () => {
    const other = fillPrepared(prepared, address('zed@example.org'));
    expect(fillPrepared(prepared, address('a.b+c@example.org'))).toBe(xml);
    expect(other.replace(/zed/g, 'a.b+c')).toBe(xml.replace(/@example\.org/g, '@example.org'));
  });
});

describe('fillPreparedBytes', () => {
  it('gives the UTF-8 bytes of fillPrepared for every address', () => {
    const prepared = prepareOutlookResponse(settings)!;
    for (const raw of ['a.b+c@example.org', 'zed@example.com', 'x@xn--bcher-kva.example'])
      expect(fillPreparedBytes(prepared, address(raw))).toEqual(
        Buffer.from(fillPrepared(prepared, address(raw)), 'utf8'),
      );
  });

  it('escapes the values and encodes characters beyond ASCII, in chunks and values alike', () => {
    const recorder = new SlotRecorder();
    const document = `<a>Grüße ${recorder.slot(() => 'Tom & <Jerry> ü')}</a><b>${recorder.slot(() => '')}€</b>${recorder.slot((a) => a.localPart)}`;
    const prepared = recorder.prepare(document);
    const bytes = fillPreparedBytes(prepared, address('zed@example.com'));
    expect(bytes.toString('utf8')).toBe('<a>Grüße Tom &amp; &lt;Jerry&gt; ü</a><b>€</b>zed');
    expect(bytes).toEqual(Buffer.from(fillPrepared(prepared, address('zed@example.com')), 'utf8'));
  });
});
