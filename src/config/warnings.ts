import { DEFAULT_PORTS, type DomainSettings, type ServerSettings } from '../core/settings';
import { reachNotes } from '../protocols/reach';
import type { PathSegment } from './problems';

export interface DomainWarning {
  readonly path: PathSegment[];
  readonly message: string;
}

const PASSWORD_METHODS: ReadonlySet<string> = new Set(['password-cleartext', 'password-encrypted', 'NTLM']);

/** Ports on which clients expect a plain-text greeting (protocols.md §2.4, §3.2). */
const STARTTLS_PORTS = new Set([25, 110, 143, 587]);

/**
 * Things that load but that a client will get wrong. They do not stop the server; `validate`
 * prints them so the admin can decide.
 */
export function domainWarnings(settings: DomainSettings): DomainWarning[] {
  const warnings: DomainWarning[] = [];
  const check = (server: ServerSettings, path: PathSegment[]) => {
    if (server.security === 'none') {
      warnings.push({
        path: [...path, 'security'],
        message:
          'security "none" sends passwords in clear text, and Thunderbird for Android rejects the whole autoconfig answer when it lists a plain server',
      });
    }
    // An Exchange server is reached over https; the mail port rules below do not apply.
    if (server.type === 'exchange') return;
    if (server.security === 'tls' && STARTTLS_PORTS.has(server.port)) {
      warnings.push({
        path: [...path, 'port'],
        message: `implicit TLS on port ${server.port}, where clients expect STARTTLS; the standard TLS port is ${DEFAULT_PORTS[server.type].tls}`,
      });
    }
    const standardTls = DEFAULT_PORTS[server.type].tls;
    if (server.security === 'tls' && !STARTTLS_PORTS.has(server.port) && server.port !== standardTls) {
      warnings.push({
        path: [...path, 'port'],
        message: `implicit TLS on port ${server.port}, where no client expects ${server.type.toUpperCase()}: clients that probe (Thunderbird's guess, manual setup defaults) only try ${standardTls}, so only clients that read autoconfig, Autodiscover or SRV find it`,
      });
    }
    if (server.security === 'starttls' && !STARTTLS_PORTS.has(server.port)) {
      warnings.push({
        path: [...path, 'port'],
        message: `STARTTLS on port ${server.port}: Outlook's Autodiscover answer cannot express this to Thunderbird, which guesses implicit TLS from a non-standard port`,
      });
    }
  };
  settings.incoming.forEach((server, index) => check(server, ['incoming', index]));
  settings.outgoing.forEach((server, index) => check(server, ['outgoing', index]));
  const httpLink = (url: string | undefined, path: PathSegment[]) => {
    if (url?.startsWith('http:'))
      warnings.push({
        path,
        message: `${url} is a plain http:// link: people following it can be redirected or read; use https://`,
      });
  };
  settings.documentation.forEach((link, index) =>
    httpLink(
      link.url,
      settings.documentation.length === 1 ? ['documentation'] : ['documentation', index, 'url'],
    ),
  );
  httpLink(settings.webmail?.url, ['webmail']);
  httpLink(settings.webmail?.loginPageInfo?.url, ['webmail', 'loginPageInfo', 'url']);
  httpLink(settings.enable?.visitUrl, ['enable', 'visitUrl']);
  for (const key of ['incoming', 'outgoing'] as const)
    settings[key].forEach((server, index) => {
      for (const field of ['owaURL', 'ewsURL', 'easURL'] as const)
        httpLink(server.exchange?.[field], [key, index, field]);
      if (server.username === '' && server.auth.some((method) => PASSWORD_METHODS.has(method)))
        warnings.push({
          path: [key, index, 'username'],
          message: `${server.host} takes a password (${server.auth.join(', ')}) but "username: none" sends no login name: clients will ask for one`,
        });
    });
  if (settings.provider.shortName.length > 20) {
    warnings.push({
      path: ['provider', 'shortName'],
      message: `the short name has ${settings.provider.shortName.length} characters; clients show about 20 (the autoconfig draft allows at most 20)`,
    });
  }
  for (const note of reachNotes(settings)) warnings.push({ path: [...note.path], message: note.message });
  if (!settings.incoming.some((server) => server.type === 'imap')) {
    warnings.push({
      path: ['incoming'],
      message:
        'no IMAP server: Thunderbird for Android only reads IMAP from autoconfig and will find nothing',
    });
  }
  return warnings;
}
