import type { Stats } from 'node:fs';

/**
 * Why a private key file is too open, or undefined when it is private enough. The rule follows
 * ssh's: a key the server's own user owns must be readable by that user alone (mode 600 or 400).
 * A key owned by someone else reaches the server through its group (a root-owned key with a
 * service group, a Kubernetes Secret mounted with fsGroup), so the group may read it, but nobody
 * else may, and nobody but the owner may change it.
 */
export function keyFileExposure(
  name: string,
  stats: Pick<Stats, 'mode' | 'uid'>,
  serverUid: number | undefined,
): string | undefined {
  const mode = stats.mode & 0o777;
  const octal = mode.toString(8).padStart(3, '0');
  const ownKey = serverUid !== undefined && stats.uid === serverUid;
  if (ownKey ? (mode & 0o077) !== 0 : (mode & 0o027) !== 0) {
    const who = (mode & 0o007) !== 0 ? 'other users' : 'its group';
    return `${name} can be read or changed by ${who} (mode ${octal}); make it private to the server, e.g. chmod 600, or give it through systemd LoadCredential= or a Kubernetes Secret`;
  }
  return undefined;
}
