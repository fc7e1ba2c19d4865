import type { EmailAddress } from '../core/address';
import { tryLogins, type ProbeOptions, type ProbeTarget } from './probe';

export type LoginPolicy = 'email' | 'localpart';

export interface LoginMeasurement {
  readonly target: ProbeTarget;
  readonly tries: readonly { readonly username: string; readonly ok: boolean; readonly error?: string }[];
  /** The login form this server accepted, if any. */
  readonly policy?: LoginPolicy;
}

/**
 * Settles the login form by trying it: the full address first, then the local part, against each
 * server. The password only travels inside TLS (the targets are never plain text) and is not kept.
 */
export async function measureLoginPolicy(
  address: EmailAddress,
  password: string,
  targets: readonly ProbeTarget[],
  options: ProbeOptions,
): Promise<LoginMeasurement[]> {
  const forms: readonly [LoginPolicy, string][] = [
    ['email', address.address],
    ['localpart', address.localPart],
  ];
  const measurements: LoginMeasurement[] = [];
  for (const target of targets) {
    if (target.security === 'none') throw new Error('refusing to send a password without TLS');
    const tries = await tryLogins(
      target,
      forms.map(([, username]) => username),
      password,
      options,
    );
    const worked = forms.find((_, index) => tries[index]?.ok === true);
    measurements.push({ target, tries, ...(worked && { policy: worked[0] }) });
  }
  return measurements;
}
