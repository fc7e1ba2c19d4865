/**
 * The server's internal paths in the spellings a proxy might let through while the server still
 * routes them (it ignores case and a trailing slash): none of them may be public behind a proxy.
 */
export const INTERNAL_PATH_SPELLINGS: readonly string[] = [
  '/.well-known/mail-autoconf/tls-ask?domain=autoconfig.example.com',
  '/.WELL-KNOWN/MAIL-AUTOCONF/TLS-ASK?domain=autoconfig.example.com',
  '/.well-known/Mail-Autoconf/tls-ask?domain=autoconfig.example.com',
  '/.well-known/mail-autoconf/tls-ask/?domain=autoconfig.example.com',
  '/healthz',
  '/HEALTHZ',
  '/healthz/',
  '/readyz',
  '/ReadyZ',
  '/readyz?x=1',
  '/metrics',
  '/METRICS',
  '/Metrics/',
  '//metrics',
  '/%6detrics',
  '/./readyz',
  '/x/../healthz',
];

/** Text only the internal answers carry. */
export const INTERNAL_ANSWER =
  /"status":"(alive|ready|draining)"|mail_autoconf_|process_cpu|Approved:|Refused:/;
