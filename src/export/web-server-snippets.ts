import { AUTOCONFIG_CONTENT_TYPE } from '../protocols/mozilla';
import { AUTOCONFIG_FILE_PATHS } from './static-tree';

/**
 * Web server configs that serve an exported tree by Host, with the headers the server sends for
 * these documents. `root` is the export directory as an absolute path.
 */

const CACHE_CONTROL = 'public, max-age=3600';

export function nginxSnippet(root: string): string {
  return `# Serves the autoconfig tree written by \`mail-autoconf export --static\`, chosen by Host:
# autoconfig.<domain>/mail/config-v1.1.xml and <domain>/.well-known/autoconfig/mail/config-v1.1.xml.
# Include it inside http { }. nginx answers 400 for a Host with "/" or "..", so $host cannot
# leave the tree. Add TLS (listen 443 ssl, certificates) as for any site; everything else
# (Autodiscover POST, profiles, the settings page) stays with the mail-autoconf server.
server {
    listen 80;
    listen [::]:80;
    server_name _;
    root "${root}/$host";

    location = /mail/config-v1.1.xml { try_files /${AUTOCONFIG_FILE_PATHS.autoconfigHost} =404; include "${root}/_server/autoconfig-headers.conf"; }
    location = /.well-known/autoconfig/mail/config-v1.1.xml { try_files /${AUTOCONFIG_FILE_PATHS.domainHost} =404; include "${root}/_server/autoconfig-headers.conf"; }
    location / { return 404; }
}
`;
}

/** The per-location part of the nginx snippet (nginx has no way to share it otherwise). */
export function nginxHeaders(): string {
  return `# Included by nginx.conf of this export: what mail-autoconf sends with these documents.
types { }
default_type "${AUTOCONFIG_CONTENT_TYPE}";
add_header Cache-Control "${CACHE_CONTROL}";
limit_except GET { deny all; }
`;
}

export function caddySnippet(root: string): string {
  return `# Serves the autoconfig tree written by \`mail-autoconf export --static\`, chosen by Host:
# autoconfig.<domain>/mail/config-v1.1.xml and <domain>/.well-known/autoconfig/mail/config-v1.1.xml.
# Import it inside a site block (e.g. one with on-demand TLS, see deploy/caddy/Caddyfile). The
# Host must be a plain lower-case host name, so it cannot name a directory outside the tree.
@mail_autoconf_static {
	method GET HEAD
	path /mail/config-v1.1.xml /.well-known/autoconfig/mail/config-v1.1.xml
	header_regexp Host ^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?::[0-9]+)?$
}
handle @mail_autoconf_static {
	root * ${root}/{host}
	header Content-Type "${AUTOCONFIG_CONTENT_TYPE}"
	header Cache-Control "${CACHE_CONTROL}"
	file_server
}
`;
}
