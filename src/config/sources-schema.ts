import { z } from 'zod';

/**
 * The `sources:` list of the YAML config: SQL databases whose rows add domains to the ones written
 * in YAML. Connection strings come from the environment or a file only, because config files end
 * up in version control, ConfigMaps and support tickets; a password written into one is a leak.
 */

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `500ms`, `30s`, `5m`, `1h`, or a bare number of seconds. */
export function durationSchema(min: number, max: number) {
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      let ms: number | undefined;
      if (typeof value === 'number') ms = value * 1000;
      else {
        const match = DURATION.exec(value.trim());
        if (match) ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
      }
      if (ms === undefined || !Number.isFinite(ms)) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration such as 500ms, 30s, 5m or 1h' });
        return z.NEVER;
      }
      if (ms < min || ms > max) {
        ctx.addIssue({ code: 'custom', message: `expected a duration from ${min} ms to ${max / 1000} s` });
        return z.NEVER;
      }
      return ms;
    })
    .describe('A duration: 500ms, 30s, 5m, 1h, or a number of seconds');
}

/** `${NAME}`: the whole value taken from one environment variable. */
export const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

const SQL_URL = /^(postgres|postgresql|mysql|mariadb):\/\//i;

/** True when a literal connection URL carries a password (user:password@ or a password= parameter). */
export function urlHasPassword(url: string): boolean {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url);
  if (authority?.[1]?.includes(':')) return true;
  return /[?&](password|sslpassword)=/i.test(url);
}

const urlSchema = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .superRefine((url, ctx) => {
    if (ENV_REFERENCE.test(url)) return;
    if (url.includes('${')) {
      ctx.addIssue({ code: 'custom', message: 'expected the whole value to be one ${ENVIRONMENT_VARIABLE}' });
    } else if (!SQL_URL.test(url)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected ${ENVIRONMENT_VARIABLE} or a postgresql:// / mysql:// URL without a password',
      });
    } else if (urlHasPassword(url)) {
      // The message never repeats the value: it holds the password.
      ctx.addIssue({
        code: 'custom',
        message:
          'holds a password: credentials may not be written into the config. Put the URL in an ' +
          'environment variable (url: ${MAIL_AUTOCONF_DB_URL}) or a file readable only by the service (urlFile: /run/secrets/db-url)',
      });
    }
  })
  .describe(
    '${ENVIRONMENT_VARIABLE} holding the connection URL, or a URL without a password (e.g. for peer or certificate authentication)',
  );

export const SOURCE_TYPES = ['postgresql', 'mariadb', 'mysql'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const TLS_MODES = ['disable', 'require', 'verify-full'] as const;

export const sourceSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,63}$/, 'source names use 1-63 letters, digits, . _ -')
      .optional()
      .describe('Name shown in logs, /readyz and metrics (default: sources[N])'),
    type: z.enum(SOURCE_TYPES).describe('postgresql, or mariadb (also for MySQL)'),
    url: urlSchema.optional(),
    urlFile: z
      .string()
      .trim()
      .min(1)
      .max(4096)
      .optional()
      .describe('File holding the connection URL (relative to the config directory), e.g. a mounted Secret'),
    query: z
      .string()
      .trim()
      .min(1)
      .max(100_000)
      .describe(
        'SELECT returning the columns domain, and optionally profile, aliases, username, overrides (JSON)',
      ),
    profile: z
      .string()
      .min(1)
      .optional()
      .describe('Profile for rows whose query gives no profile column (or NULL)'),
    refresh: durationSchema(1000, 86_400_000)
      .optional()
      .describe('How often the rows are read again (default 60s)'),
    notify: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a PostgreSQL channel name: lower-case letters, digits, _')
      .optional()
      .describe('PostgreSQL only: LISTEN on this channel and read the rows again at once on NOTIFY'),
    timeout: durationSchema(100, 600_000)
      .optional()
      .describe('Limit for connecting and for the query (default 10s)'),
    pool: z.number().int().min(1).max(20).optional().describe('Connections kept at most (default 2)'),
    tls: z
      .strictObject({
        mode: z
          .enum(TLS_MODES)
          .describe(
            'disable, require (encrypted, any certificate) or verify-full (certificate and host checked)',
          ),
        ca: z
          .string()
          .trim()
          .min(1)
          .max(4096)
          .optional()
          .describe('PEM file of the CA to trust for verify-full (relative to the config directory)'),
      })
      .optional()
      .describe('TLS to the database; default: whatever the URL says (sslmode / ssl parameters)'),
    maxStale: durationSchema(0, 2_592_000_000)
      .optional()
      .describe(
        'How long a failing source may serve its last good rows before /readyz reports not ready (default 0: at once)',
      ),
  })
  .superRefine((source, ctx) => {
    if ((source.url === undefined) === (source.urlFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'set exactly one of url and urlFile' });
    }
    if (source.notify !== undefined && source.type !== 'postgresql') {
      ctx.addIssue({ code: 'custom', path: ['notify'], message: 'notify works with type postgresql only' });
    }
    if (source.tls?.ca !== undefined && source.tls.mode !== 'verify-full') {
      ctx.addIssue({ code: 'custom', path: ['tls', 'ca'], message: 'ca is used with mode verify-full only' });
    }
  });

export const sourcesSchema = z
  .array(sourceSchema)
  .min(1)
  .superRefine((sources, ctx) => {
    const seen = new Map<string, number>();
    sources.forEach((source, index) => {
      if (source.name === undefined) return;
      const first = seen.get(source.name);
      if (first === undefined) seen.set(source.name, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `the name ${source.name} is already used by sources[${first}]`,
        });
    });
  })
  .describe('SQL databases whose rows add domains (see the README, "Domains from a database")');

export type SourceInput = z.output<typeof sourceSchema>;
