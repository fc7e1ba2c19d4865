import type { EmailAddress } from './address';

/**
 * Login name templates use the Mozilla autoconfig placeholders (protocols.md §1.5), so the same
 * template can be sent unexpanded to Thunderbird and expanded for formats that need a literal.
 */
export const PLACEHOLDERS = ['%EMAILADDRESS%', '%EMAILLOCALPART%', '%EMAILDOMAIN%'] as const;

export const USERNAME_POLICIES = {
  email: '%EMAILADDRESS%',
  localpart: '%EMAILLOCALPART%',
} as const;

/** Turns the config's `username:` value into a template, or explains why it cannot be one. */
export function usernameTemplate(
  policy: string,
): { ok: true; template: string } | { ok: false; reason: string } {
  // An own-property check: `in` would also find `constructor`, `toString` and the rest of
  // Object.prototype, and hand a function on as the template.
  if (Object.hasOwn(USERNAME_POLICIES, policy)) {
    return { ok: true, template: USERNAME_POLICIES[policy as keyof typeof USERNAME_POLICIES] };
  }
  const tokens: string[] = policy.match(/%[A-Z]*%?/g) ?? [];
  const unknown = tokens.filter((token) => !(PLACEHOLDERS as readonly string[]).includes(token));
  if (unknown.length > 0) {
    return { ok: false, reason: `unknown placeholder ${unknown[0]}; use ${PLACEHOLDERS.join(', ')}` };
  }
  if (tokens.length === 0) {
    return {
      ok: false,
      reason: 'expected "email", "localpart" or a template with %EMAILLOCALPART% or %EMAILADDRESS%',
    };
  }
  // Thunderbird replaces only the first occurrence of each placeholder in a string.
  if (new Set(tokens).size !== tokens.length) {
    return {
      ok: false,
      reason: 'each placeholder may appear only once (Thunderbird replaces only the first)',
    };
  }
  if (!tokens.includes('%EMAILLOCALPART%') && !tokens.includes('%EMAILADDRESS%')) {
    return { ok: false, reason: 'a login template must contain %EMAILLOCALPART% or %EMAILADDRESS%' };
  }
  if (!/^[A-Za-z0-9%@._+=\\-]+$/.test(policy)) {
    return {
      ok: false,
      reason: 'a login template may only contain letters, digits, placeholders and @ . _ + = - \\',
    };
  }
  return { ok: true, template: policy };
}

export function expandUsername(template: string, address: EmailAddress): string {
  // Replacer functions, because a local part may legally contain `$&`, which a replacement
  // string would interpret.
  return template
    .replace('%EMAILADDRESS%', () => address.address)
    .replace('%EMAILLOCALPART%', () => address.localPart)
    .replace('%EMAILDOMAIN%', () => address.domain);
}

/** Describes the login policy in words, for people and for the CLI. */
export function describeUsername(template: string): 'email' | 'localpart' | 'template' {
  if (template === USERNAME_POLICIES.email) return 'email';
  if (template === USERNAME_POLICIES.localpart) return 'localpart';
  return 'template';
}
