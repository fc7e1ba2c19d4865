import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { withUsage } from './script-args';

/**
 * Writes a config directory the way a hoster with many customer domains keeps one: a few shared
 * profiles, domains listed a thousand per file under `defaults: { extends: … }`, and a sprinkling
 * of entries that override something (login name policy, provider name, their own servers, aliases).
 * The output is deterministic, so a test can predict the settings of any generated domain.
 */

export const PROFILES = ['platform-eu', 'platform-us', 'platform-legacy', 'platform-exchange'] as const;
export type GeneratedProfile = (typeof PROFILES)[number];

export const DOMAINS_PER_FILE = 1000;

/** Every how-many-th domain carries which override; primes so they overlap rarely. */
export const OVERRIDE_EVERY = { localpart: 7, provider: 13, ownServers: 101, alias: 53 } as const;

export function domainName(index: number): string {
  return `customer-${String(index).padStart(6, '0')}.example`;
}

export function aliasName(index: number): string {
  return `customer-${String(index).padStart(6, '0')}.example.net`;
}

/** The profile a domain's file extends: files rotate over the profiles. */
export function profileOf(index: number): GeneratedProfile {
  return PROFILES[Math.floor(index / DOMAINS_PER_FILE) % PROFILES.length] as GeneratedProfile;
}

const PROFILES_YAML = `# Shared mail platforms, extended by every customer domain.
profiles:
  platform-eu:
    provider: { name: Hoster Mail EU, shortName: HosterEU }
    incoming:
      - { type: imap, host: imap.eu.hoster.example, security: tls }
      - { type: pop3, host: pop.eu.hoster.example, security: tls }
    outgoing:
      - { type: smtp, host: smtp.eu.hoster.example, security: tls }
      - { type: smtp, host: smtp.eu.hoster.example, security: starttls }
    username: email
    documentation:
      url: https://help.hoster.example/mail
      description: { en: Mail settings, de: E-Mail-Einstellungen }
  platform-us:
    extends: platform-eu
    provider: { name: Hoster Mail US, shortName: HosterUS }
    incoming:
      - { type: imap, host: imap.us.hoster.example, security: tls }
    outgoing:
      - { type: smtp, host: smtp.us.hoster.example, security: tls }
  platform-legacy:
    provider: { name: Hoster Mail Classic, shortName: Classic }
    incoming:
      - { type: pop3, host: mail.legacy.hoster.example, security: starttls }
      - { type: imap, host: mail.legacy.hoster.example, security: starttls }
    outgoing:
      - { type: smtp, host: mail.legacy.hoster.example, port: 25, security: starttls }
    username: localpart
    auth: [password-encrypted, password-cleartext]
  platform-exchange:
    extends: platform-eu
    provider: { name: Hoster Exchange, shortName: HosterEX }
    activeSync: { url: https://eas.hoster.example/Microsoft-Server-ActiveSync }
    webmail: https://webmail.hoster.example/
`;

const SERVICE_YAML = `service:
  publicHost: autoconfig.hoster.example
  dnsTtl: 3600
`;

function domainEntry(index: number): string {
  const name = domainName(index);
  const lines: string[] = [];
  if (index % OVERRIDE_EVERY.localpart === 0) lines.push('username: localpart');
  if (index % OVERRIDE_EVERY.provider === 0) lines.push(`provider: { name: Customer ${index} Mail }`);
  if (index % OVERRIDE_EVERY.alias === 0) lines.push(`aliases: [${aliasName(index)}]`);
  if (index % OVERRIDE_EVERY.ownServers === 0) {
    lines.push(
      `incoming: [{ type: imap, host: imap.${name}, security: tls }]`,
      `outgoing: [{ host: smtp.${name}, security: starttls }]`,
    );
  }
  if (lines.length === 0) return `  - ${name}\n`;
  return `  - domain: ${name}\n${lines.map((line) => `    ${line}\n`).join('')}`;
}

/** The files of a generated config, by path relative to the config directory. */
export function generateConfig(domains: number): Map<string, string> {
  const files = new Map<string, string>([
    ['service.yaml', SERVICE_YAML],
    ['profiles/platforms.yaml', PROFILES_YAML],
  ]);
  for (let start = 0; start < domains; start += DOMAINS_PER_FILE) {
    const end = Math.min(start + DOMAINS_PER_FILE, domains);
    let text = `defaults:\n  extends: ${profileOf(start)}\ndomains:\n`;
    for (let index = start; index < end; index++) text += domainEntry(index);
    files.set(`domains/batch-${String(start / DOMAINS_PER_FILE).padStart(4, '0')}.yaml`, text);
  }
  return files;
}

const USAGE = `
usage: node dist/scripts/generate-config.js --out DIR [--domains N]

Writes a generated hoster config of N domains (default 100000) into DIR, replacing what is there.`;

function main(): void {
  const { values } = withUsage(USAGE, (args) =>
    parseArgs({ args, options: { domains: { type: 'string', default: '100000' }, out: { type: 'string' } } }),
  );
  const domains = Number(values.domains);
  if (!Number.isInteger(domains) || domains < 1 || !values.out) {
    process.stderr.write(`${USAGE.trim()}\n`);
    process.exitCode = 2;
    return;
  }
  // The directory is ours to own: stale batch files from a larger run would otherwise stay in it.
  rmSync(values.out, { recursive: true, force: true });
  for (const [path, text] of generateConfig(domains)) {
    const file = join(values.out, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  process.stdout.write(`wrote ${domains} domains to ${values.out}\n`);
}

if (require.main === module) main();
