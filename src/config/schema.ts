import { z } from 'zod';
import { normalizeDomain } from '../core/address';
import { AUTH_METHODS, INCOMING_TYPES, SECURITY_MODES } from '../core/settings';
import { usernameTemplate } from '../core/username';
import { sourcesSchema } from './sources-schema';

/**
 * The one schema of the YAML config. It is the source of the TypeScript input types, of load-time
 * validation and of the JSON Schema published for editors (`mail-autoconf schema`). Every object is
 * strict so a typo in a key is an error, not a silently ignored setting.
 */

const text = (max: number) => z.string().trim().min(1).max(max);

/** Host names are checked for syntax here and normalised (IDN, case) by the resolver. */
export const hostNameSchema = z
  .string()
  .min(1)
  .max(253)
  .refine((name) => normalizeDomain(name) !== undefined, 'expected a host name such as mail.example.com')
  .describe('A DNS host name, e.g. imap.example.com (IDN allowed; stored as punycode)');

const httpsUrl = z
  .url({ protocol: /^https$/, hostname: z.regexes.domain })
  .max(2048)
  .describe('An https:// URL');

const filePath = z.string().trim().min(1).max(4096);

const portSchema = z.number().int().min(1).max(65535).describe('TCP port, 1..65535');

const authSchema = z
  .union([z.enum(AUTH_METHODS), z.array(z.enum(AUTH_METHODS)).min(1)])
  .describe('Authentication method, or a list in order of preference (Mozilla autoconfig words)');

const usernameSchema = z
  .string()
  .min(1)
  .max(200)
  .superRefine((policy, ctx) => {
    const result = usernameTemplate(policy);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.reason });
  })
  .describe(
    'Login name: "email" (the full address), "localpart" (before the @), or a template such as ' +
      '"%EMAILLOCALPART%.%EMAILDOMAIN%" using %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%',
  );

const serverFields = {
  host: hostNameSchema,
  port: portSchema.optional().describe('Defaults to the standard port for the type and security'),
  security: z.enum(SECURITY_MODES).describe('tls = implicit TLS, starttls = upgrade on the plain port, none'),
  auth: authSchema.optional(),
  username: usernameSchema.optional().describe('Overrides the domain login name policy for this server'),
};

export const incomingServerSchema = z.strictObject({ type: z.enum(INCOMING_TYPES), ...serverFields });
export const outgoingServerSchema = z.strictObject({ type: z.literal('smtp').optional(), ...serverFields });

const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language tag such as en or fr-CH');
const localisedText = (max: number) => z.record(languageTag, text(max));

const davSchema = z.strictObject({
  url: httpsUrl,
  username: usernameSchema.optional().describe('Defaults to the domain login name policy'),
  auth: z.enum(['http-basic', 'http-digest', 'OAuth2']).optional(),
});

/** Settings a domain may set or inherit from a profile. */
const settingsFields = {
  extends: z.string().min(1).optional().describe('Name of a profile whose settings this one starts from'),
  provider: z
    .strictObject({
      name: text(60).describe('Provider name shown by clients (≤ 60 characters)'),
      shortName: text(20).optional().describe('Short provider name (≤ 20 characters)'),
    })
    .optional(),
  incoming: z.array(incomingServerSchema).min(1).optional().describe('IMAP/POP3 servers, preferred first'),
  outgoing: z
    .array(outgoingServerSchema)
    .min(1)
    .optional()
    .describe('SMTP submission servers, preferred first'),
  username: usernameSchema.optional(),
  auth: authSchema.optional(),
  documentation: z
    .strictObject({ url: httpsUrl, description: localisedText(200).optional() })
    .optional()
    .describe('A help page for people'),
  help: localisedText(2000).optional().describe('Help text for people, by language tag'),
  webmail: httpsUrl.optional(),
  activeSync: z.strictObject({ url: httpsUrl }).optional().describe('Exchange ActiveSync endpoint, if any'),
  caldav: davSchema.optional(),
  carddav: davSchema.optional(),
  oauth2: z
    .strictObject({
      issuer: hostNameSchema,
      scope: text(1000),
      authURL: httpsUrl,
      tokenURL: httpsUrl,
    })
    .optional(),
};

export const profileSchema = z.strictObject(settingsFields);

export const domainEntrySchema = z.strictObject({
  domain: hostNameSchema,
  aliases: z.array(hostNameSchema).optional().describe('Other domains answered with the same settings'),
  overridesSources: z
    .boolean()
    .optional()
    .describe('This entry wins over a row of a SQL source for the same domain (otherwise that is an error)'),
  ...settingsFields,
});

const ipAddress = z.union([z.ipv4(), z.ipv6()]).describe('An IPv4 or IPv6 address');

export const serviceSchema = z.strictObject({
  publicHost: hostNameSchema
    .optional()
    .describe(
      'Host name this service is reached at over https; target of the autoconfig./autodiscover. CNAMEs',
    ),
  publicAddresses: z
    .array(ipAddress)
    .min(1)
    .optional()
    .describe(
      'IPv4/IPv6 addresses of publicHost, for names that cannot be a CNAME (e.g. when autoconfig.<domain> is publicHost itself)',
    ),
  hostAddresses: z
    .record(hostNameSchema, z.array(ipAddress).min(1))
    .optional()
    .describe(
      'Addresses of mail hosts, by host name; `mail-autoconf dns` prints A/AAAA records for the hosts inside a served domain',
    ),
  dnsTtl: z
    .number()
    .int()
    .min(0)
    .max(2147483647)
    .optional()
    .describe('TTL of generated DNS records (seconds)'),
  signing: z
    .strictObject({
      certificate: filePath.describe(
        'PEM file of the signing certificate, optionally followed by its chain (e.g. fullchain.pem)',
      ),
      key: filePath.describe('PEM file of the unencrypted private key (RSA or EC) of the certificate'),
      chain: filePath.optional().describe('PEM file of intermediate certificates to include'),
    })
    .optional()
    .describe(
      'Signs Apple configuration profiles (CMS) so devices show them as verified; paths are relative to the config directory',
    ),
  tls: z
    .strictObject({
      allowApex: z
        .boolean()
        .optional()
        .describe(
          'Also approve certificates for the bare domains (not only autoconfig./autodiscover.) in the ' +
            'on-demand TLS ask endpoint; only when the apex really points at this service',
        ),
    })
    .optional()
    .describe('Which host names the on-demand TLS ask endpoint approves certificates for'),
});

/** A file that holds one domain at its top level. */
export const singleDomainFileSchema = domainEntrySchema;

/** A file that holds shared profiles, service settings and/or many domains. */
export const multiFileSchema = z.strictObject({
  service: serviceSchema.optional(),
  profiles: z
    .record(z.string().regex(/^[A-Za-z0-9._-]+$/, 'profile names use letters, digits, . _ -'), profileSchema)
    .optional(),
  defaults: profileSchema.optional().describe('Settings applied under every domain of this file'),
  domains: z
    .array(z.union([hostNameSchema, domainEntrySchema]))
    .optional()
    .describe('Domains: a bare name takes the file defaults, an object can add its own settings'),
  sources: sourcesSchema.optional(),
});

export type ProfileInput = z.infer<typeof profileSchema>;
export type DomainEntryInput = z.infer<typeof domainEntrySchema>;
export type ServiceInput = z.infer<typeof serviceSchema>;
export type MultiFileInput = z.infer<typeof multiFileSchema>;
export type ServerInput = z.infer<typeof incomingServerSchema> | z.infer<typeof outgoingServerSchema>;

/** JSON Schema for editors: a file is either one domain or the multi-domain form. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(z.union([singleDomainFileSchema, multiFileSchema]), {
    io: 'input',
    target: 'draft-7',
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://mail-autoconf.invalid/mail-autoconf.schema.json',
    title: 'mail-autoconf configuration file',
  };
}
