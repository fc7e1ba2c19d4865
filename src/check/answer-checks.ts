import { XMLParser } from 'fast-xml-parser';
import type { HttpResult } from './http-client';
import { fail, pass, type CheckResult } from './result';

/**
 * Reads answers from a live server and compares them with what this config serves. Answers are
 * untrusted: entities are not expanded and only the fields clients use are looked at.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
});

type Node = Record<string, unknown>;
const children = (node: unknown, name: string): Node[] =>
  node && typeof node === 'object' ? (((node as Node)[name] as Node[] | undefined) ?? []) : [];
const textOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Node)['#text'] === 'string')
    return (value as Node)['#text'] as string;
  return undefined;
};
const text = (node: unknown, name: string): string | undefined => textOf(children(node, name)[0]);
const texts = (node: unknown, name: string): string[] =>
  children(node, name).flatMap((child) => textOf(child) ?? []);

function parse(xml: string): Node | undefined {
  try {
    return parser.parse(xml) as Node;
  } catch {
    return undefined;
  }
}

/** A server entry as the client would use it. */
interface Server {
  readonly kind: string;
  readonly host: string;
  readonly port: string;
  readonly security: string;
  readonly login: string;
}

const describe = (server: Server) =>
  `${server.kind} ${server.host}:${server.port} ${server.security}, login ${server.login}`;

/** The first difference between the served server list and the configured one. */
function compareServers(got: readonly Server[], want: readonly Server[]): string | undefined {
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    const g = got[i];
    const w = want[i];
    if (!g) return `server ${i + 1} (${describe(w as Server)}) is missing`;
    if (!w) return `extra server ${i + 1}: ${describe(g)}`;
    for (const field of ['kind', 'host', 'port', 'security', 'login'] as const)
      if (g[field] !== w[field])
        return `server ${i + 1} (${g.kind} ${g.host}) has ${field} ${g[field] || '(none)'}, the config says ${w[field]}`;
  }
  return undefined;
}

interface AutoconfigDocument {
  readonly id: string;
  readonly domains: readonly string[];
  readonly servers: readonly Server[];
}

function readAutoconfig(xml: string): AutoconfigDocument | undefined {
  const provider = children(children(parse(xml), 'clientConfig')[0], 'emailProvider')[0];
  if (!provider) return undefined;
  const servers = (tag: string) =>
    children(provider, tag).map((server) => ({
      kind: `${tag === 'incomingServer' ? 'incoming' : 'outgoing'} ${textOf(server['@_type']) ?? ''}`,
      host: (text(server, 'hostname') ?? '').toLowerCase(),
      port: text(server, 'port') ?? '',
      security: text(server, 'socketType') ?? '',
      login: text(server, 'username') ?? '',
    }));
  return {
    id: textOf(provider['@_id']) ?? '',
    domains: texts(provider, 'domain').map((name) => name.toLowerCase()),
    servers: [...servers('incomingServer'), ...servers('outgoingServer')],
  };
}

/** Thunderbird reads the body only with one of these types (protocols.md §1.2). */
const XML_TYPES = ['text/xml', 'application/xml'];

/** One autoconfig URL, compared with the document this config serves for the same address. */
export function checkAutoconfigAnswer(
  result: HttpResult,
  expectedXml: string,
  domain: string,
  pointHere: string,
): CheckResult {
  const subject = result.url;
  if (!result.ok) return fail('autoconfig', subject, result.error, pointHere);
  const via = result.redirects.length > 0 ? ` (after redirect from ${result.redirects[0]})` : '';
  if (result.status < 200 || result.status > 299)
    return fail(
      'autoconfig',
      subject,
      `HTTP ${result.status}${via}`,
      `it must answer 200 with what \`mail-autoconf render\` prints: ${pointHere}`,
    );
  const type = String(result.headers['content-type'] ?? '');
  if (!XML_TYPES.some((prefix) => type.startsWith(prefix)))
    return fail(
      'autoconfig',
      subject,
      `Content-Type "${type}": Thunderbird ignores the answer`,
      'serve it as application/xml; charset=utf-8',
    );
  const got = readAutoconfig(result.body);
  if (!got) return fail('autoconfig', subject, 'the answer is not a clientConfig document', pointHere);
  const want = readAutoconfig(expectedXml) as AutoconfigDocument;
  if (!got.domains.includes(domain) && got.id !== domain)
    return fail(
      'autoconfig',
      subject,
      `answers for another domain: emailProvider ${got.id || '(no id)'} lists ${got.domains.join(', ') || 'no domains'}, not ${domain}`,
      `the server behind this URL does not serve ${domain}: add ${domain} to its config, or ${pointHere}`,
    );
  const difference = compareServers(got.servers, want.servers);
  if (difference)
    return fail(
      'autoconfig',
      subject,
      `${difference}${via}`,
      `the server behind this URL serves other settings: reload it with this config, or ${pointHere}`,
    );
  return pass('autoconfig', subject, `settings for ${domain} match the config${via}`);
}

interface AutodiscoverDocument {
  readonly error?: { readonly code: string; readonly message: string };
  readonly servers: readonly Server[];
}

function readAutodiscover(xml: string): AutodiscoverDocument | undefined {
  const response = children(children(parse(xml), 'Autodiscover')[0], 'Response')[0];
  if (!response) return undefined;
  const error = children(response, 'Error')[0];
  if (error)
    return {
      error: { code: text(error, 'ErrorCode') ?? '?', message: text(error, 'Message') ?? '' },
      servers: [],
    };
  const account = children(response, 'Account')[0];
  if (!account) return undefined;
  return {
    servers: children(account, 'Protocol').map((protocol) => ({
      kind: text(protocol, 'Type') ?? '',
      host: (text(protocol, 'Server') ?? '').toLowerCase(),
      port: text(protocol, 'Port') ?? '',
      security: `SSL ${text(protocol, 'SSL') ?? '(default on)'}${text(protocol, 'Encryption') ? `/${text(protocol, 'Encryption')}` : ''}`,
      login: text(protocol, 'LoginName') ?? '',
    })),
  };
}

/** What an Autodiscover error code means for the admin (protocols.md §2.6). */
const ERROR_HINTS: Record<string, string> = {
  '500': "the server does not know this address's domain: add the domain to that server's config, or",
  '600':
    'the server found the request invalid, so it is probably not an Autodiscover service for IMAP/POP3/SMTP:',
  '601': 'the server does not offer the Outlook response schema (…/outlook/responseschema/2006a):',
};

/** One Autodiscover URL, compared with the answer this config gives for the same address. */
export function checkAutodiscoverAnswer(
  result: HttpResult,
  expectedXml: string,
  domain: string,
  pointHere: string,
): CheckResult {
  const subject = `POST ${result.url}`;
  if (!result.ok) return fail('autodiscover', subject, result.error, pointHere);
  if (result.status < 200 || result.status > 299) {
    const hint =
      result.status >= 300 && result.status < 400
        ? 'answer the POST directly: Thunderbird turns a redirected POST into a GET without body'
        : `it must answer the POST like \`mail-autoconf render --format autodiscover\`: ${pointHere}`;
    return fail('autodiscover', subject, `HTTP ${result.status}`, hint);
  }
  const got = readAutodiscover(result.body);
  if (!got) return fail('autodiscover', subject, 'the answer is not an Autodiscover document', pointHere);
  if (got.error)
    return fail(
      'autodiscover',
      subject,
      `Autodiscover error ${got.error.code}${got.error.message ? ` "${got.error.message}"` : ''}`,
      `${ERROR_HINTS[got.error.code] ?? 'the server refuses the address:'} ${pointHere}`,
    );
  const want = readAutodiscover(expectedXml) as AutodiscoverDocument;
  const difference = compareServers(got.servers, want.servers);
  if (difference)
    return fail(
      'autodiscover',
      subject,
      difference,
      `the server behind this URL serves other settings: reload it with this config, or ${pointHere}`,
    );
  return pass('autodiscover', subject, `settings for ${domain} match the config`);
}

/**
 * Outlook's third step (protocols.md §2.1): a GET on http://autodiscover.<domain>/… must answer a
 * 302 to an https Autodiscover URL, which Outlook then POSTs to after warning the user.
 */
export function checkRedirectProbe(result: HttpResult, pointHere: string): CheckResult {
  const subject = `GET ${result.url}`;
  const why = "(Outlook's redirect probe; only needed when the POSTs above fail)";
  if (!result.ok) return fail('autodiscover', subject, `${result.error} ${why}`, pointHere, false);
  const location = String(result.headers.location ?? '');
  if (
    (result.status === 302 || result.status === 301) &&
    /^https:\/\/[^/]+\/autodiscover\/autodiscover\.xml$/i.test(location)
  )
    return pass('autodiscover', subject, `${result.status} to ${location}`);
  return fail(
    'autodiscover',
    subject,
    `HTTP ${result.status}${location ? ` to ${location}` : ''} ${why}`,
    `answer it with a 302 to https://autodiscover.<domain>/autodiscover/autodiscover.xml: ${pointHere}`,
    false,
  );
}
