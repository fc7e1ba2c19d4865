import { DEFAULT_PORTS, type DomainSettings, type ServerSettings } from '../core/settings';
import type { PathSegment } from './problems';

export interface DomainWarning {
  readonly path: PathSegment[];
  readonly message: string;
}

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
  if (!settings.incoming.some((server) => server.type === 'imap')) {
    warnings.push({
      path: ['incoming'],
      message:
        'no IMAP server: Thunderbird for Android only reads IMAP from autoconfig and will find nothing',
    });
  }
  return warnings;
}
