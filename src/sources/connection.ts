import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SourceInput } from '../config/sources-schema';
import { ENV_REFERENCE } from '../config/sources-schema';

/**
 * Where a source's connection URL comes from (an environment variable or a file), and how to keep
 * it out of every log line, error and metric: only the redacted form is ever shown.
 */

export interface ConnectionUrl {
  readonly url: string;
  /** The URL without password, for messages: `postgresql://panel@db.internal:5432/panel`. */
  readonly shown: string;
  /** Strings that must never appear in output: the URL and its password, raw and decoded. */
  readonly secrets: readonly string[];
}

export class SourceSetupError extends Error {}

export async function connectionUrl(
  source: SourceInput,
  env: Readonly<Record<string, string | undefined>>,
  baseDir: string,
): Promise<ConnectionUrl> {
  let url: string;
  if (source.urlFile !== undefined) {
    const file = resolve(baseDir, source.urlFile);
    try {
      url = (await readFile(file, 'utf8')).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new SourceSetupError(`cannot read urlFile ${source.urlFile} (${code})`);
    }
    if (url === '') throw new SourceSetupError(`urlFile ${source.urlFile} is empty`);
  } else {
    const reference = ENV_REFERENCE.exec(source.url ?? '');
    if (reference) {
      const name = reference[1] as string;
      const value = env[name]?.trim();
      if (!value) throw new SourceSetupError(`the environment variable ${name} is not set`);
      url = value;
    } else {
      url = source.url ?? '';
    }
  }
  return describeUrl(url);
}

export function describeUrl(url: string): ConnectionUrl {
  const secrets = new Set<string>([url]);
  let shown = '(an unparsable URL)';
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      secrets.add(parsed.password);
      secrets.add(decodeURIComponent(parsed.password));
    }
    for (const key of ['password', 'sslpassword']) {
      const value = parsed.searchParams.get(key);
      if (value) secrets.add(value);
    }
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    shown = `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
  } catch {
    // A URL that does not parse is reported as such; its text is never shown.
  }
  return { url, shown, secrets: [...secrets].filter((secret) => secret.length >= 3) };
}

/** A message with every secret replaced by `***`. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

/** The message of anything thrown by a driver, redacted, on one line. */
export function describeError(error: unknown, secrets: readonly string[]): string {
  let message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (!message && typeof code === 'string') message = code;
  // AggregateError (a host with several addresses) has an empty message of its own.
  if (!message && error instanceof AggregateError) {
    message = error.errors.map((inner: unknown) => (inner as Error).message).join('; ');
  }
  return redact(message.replace(/\s+/g, ' ').trim() || 'unknown error', secrets);
}
