import { z } from 'zod';
import { normalizeDomain, normalizeIpAddress } from '../core/address';
import { DOMAIN_PLACEHOLDER, expandDomain } from '../core/domain-template';
import { AUTH_METHODS, INCOMING_TYPES, SECURITY_MODES, type AuthMethod } from '../core/settings';
import { usernameTemplate } from '../core/username';

/**
 * The one schema of the YAML config. It is the source of the TypeScript input types, of load-time
 * validation and of the JSON Schema published for editors (`mail-autoconf schema`). Every object is
 * strict so a typo in a key is an error, not a silently ignored setting.
 */

const text = (max: number) => z.string().trim().min(1).max(max);

/** A host name, normalised once here: lower case, IDN to punycode, no trailing dot. */
export const hostNameSchema = z
  .string()
  .min(1)
  .max(253)
  .transform((name, ctx) => {
    const normal = normalizeDomain(name);
    if (normal === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a host name such as mail.example.com' });
      return z.NEVER;
    }
    return normal;
  })
  .brand<'HostName'>()
  .describe('A DNS host name, e.g. imap.example.com (IDN allowed; stored as punycode)');
export type HostName = z.output<typeof hostNameSchema>;

/**
 * A server host: a host name, or a template holding `%EMAILDOMAIN%` once (`mail.%EMAILDOMAIN%`),
 * which is expanded for each served name and checked again after expansion (resolve).
 */
export const serverHostSchema = z
  .string()
  .min(1)
  .max(253)
  .transform((name, ctx) => {
    const result = hostTemplate(name);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.reason });
      return z.NEVER;
    }
    return result.value;
  })
  .brand<'HostTemplate'>()
  .describe(
    'A DNS host name, e.g. imap.example.com, or a template such as mail.%EMAILDOMAIN% that is ' +
      'filled in with each served domain',
  );
export type HostTemplate = z.output<typeof serverHostSchema>;

function hostTemplate(name: string): { ok: true; value: string } | { ok: false; reason: string } {
  const tokens = name.match(/%[A-Za-z]*%?/g) ?? [];
  if (tokens.length === 0) {
    const normal = normalizeDomain(name);
    return normal === undefined
      ? { ok: false, reason: 'expected a host name such as mail.example.com' }
      : { ok: true, value: normal };
  }
  if (tokens.some((token) => token !== DOMAIN_PLACEHOLDER) || tokens.length > 1) {
    return {
      ok: false,
      reason: `a host name may hold ${DOMAIN_PLACEHOLDER} once and no other placeholder (a host cannot depend on the mailbox)`,
    };
  }
  // Checked with a stand-in domain here; resolve checks it again with every real one.
  const [before = '', after = ''] = name.split(DOMAIN_PLACEHOLDER);
  if (normalizeDomain(`${before}example.com${after}`) === undefined || /[^\x20-\x7e]/.test(name)) {
    return { ok: false, reason: `expected a host name such as mail.${DOMAIN_PLACEHOLDER} (ASCII only)` };
  }
  return { ok: true, value: `${before.toLowerCase()}${DOMAIN_PLACEHOLDER}${after.toLowerCase()}` };
}

const httpsUrl = z
  .url({ protocol: /^https$/, hostname: z.regexes.domain })
  .max(2048)
  .describe('An https:// URL');

/**
 * A link for people (help page, webmail, enable page). `http://` is accepted, as ISPDB files use it,
 * and `validate` warns about it. `%EMAILDOMAIN%` may stand in the host.
 */
export const webUrlSchema = z
  .string()
  .max(2048)
  .superRefine((raw, ctx) => {
    const tokens = raw.match(/%[A-Za-z]*%?/g) ?? [];
    if (tokens.some((token) => token !== DOMAIN_PLACEHOLDER)) {
      ctx.addIssue({
        code: 'custom',
        message: `the only placeholder a URL may hold is ${DOMAIN_PLACEHOLDER}`,
      });
      return;
    }
    let url: URL;
    try {
      url = new URL(expandDomain(raw, 'example.com'));
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected an https:// URL, got ${JSON.stringify(raw)}` });
      return;
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !z.regexes.domain.test(url.hostname)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an https:// (or http://) URL with a public host name, got ${JSON.stringify(raw)}`,
      });
    }
  })
  .describe('An https:// URL (http:// is accepted with a warning); the host may hold %EMAILDOMAIN%');

const filePath = z.string().trim().min(1).max(4096);

const portSchema = z.number().int().min(1).max(65535).describe('TCP port, 1..65535');

const authMethod = z.enum(AUTH_METHODS);
/** One method or a list, normalised to a list without repeats, in the order written. */
const authSchema = z
  .union([authMethod, z.array(authMethod).min(1)])
  .transform((auth): readonly AuthMethod[] =>
    Object.freeze([...new Set(typeof auth === 'string' ? [auth] : auth)]),
  )
  .brand<'AuthList'>()
  .describe('Authentication method, or a list in order of preference (Mozilla autoconfig words)');

/** `username: none` — the server takes no login name (autoconfig then sends no `<username>`). */
export const NO_USERNAME = 'none';

const usernameSchema = z
  .string()
  .min(1)
  .max(200)
  .transform((policy, ctx) => {
    if (policy === NO_USERNAME) return '';
    const result = usernameTemplate(policy);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.reason });
      return z.NEVER;
    }
    return result.template;
  })
  .brand<'LoginTemplate'>()
  .describe(
    'Login name: "email" (the full address), "localpart" (before the @), a template such as ' +
      '"%EMAILLOCALPART%.%EMAILDOMAIN%" using %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%, ' +
      'or "none" for a server that takes no login name',
  );
export type LoginTemplate = z.output<typeof usernameSchema>;

const serverFields = {
  host: serverHostSchema,
  port: portSchema.optional().describe('Defaults to the standard port for the type and security'),
  security: z.enum(SECURITY_MODES).describe('tls = implicit TLS, starttls = upgrade on the plain port, none'),
  auth: authSchema.optional(),
  username: usernameSchema.optional().describe('Overrides the domain login name policy for this server'),
  useGlobalPreferredServer: z
    .boolean()
    .optional()
    .describe("Autoconfig hint: use the client's global preferred server instead, when it has one"),
};

const pop3Schema = z
  .strictObject({
    leaveMessagesOnServer: z.boolean().optional(),
    daysToLeaveMessagesOnServer: z.number().int().min(0).max(36500).optional(),
    downloadOnBiff: z.boolean().optional().describe('Download new messages when checking for them'),
    checkInterval: z.number().int().min(1).max(10080).optional().describe('Minutes between checks, at least'),
  })
  .describe('POP3 client hints (autoconfig <pop3>)');

export const incomingServerSchema = z
  .strictObject({
    type: z.enum(INCOMING_TYPES).describe('imap, pop3, or exchange (read by Thunderbird 140 and later)'),
    ...serverFields,
    pop3: pop3Schema.optional(),
    owaURL: webUrlSchema.optional().describe('exchange only: Outlook on the web'),
    ewsURL: webUrlSchema.optional().describe('exchange only: Exchange Web Services endpoint'),
    easURL: webUrlSchema.optional().describe('exchange only: Exchange ActiveSync endpoint'),
  })
  .superRefine((server, ctx) => {
    if (server.pop3 && server.type !== 'pop3')
      ctx.addIssue({ code: 'custom', path: ['pop3'], message: 'pop3 options are for a server of type pop3' });
    for (const key of ['owaURL', 'ewsURL', 'easURL'] as const)
      if (server[key] !== undefined && server.type !== 'exchange')
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for a server of type exchange` });
  });
export const outgoingServerSchema = z.strictObject({
  type: z.literal('smtp').optional(),
  ...serverFields,
  addThisServer: z
    .boolean()
    .optional()
    .describe('Autoconfig hint: add this server even if an equal one exists'),
  restriction: z
    .literal('client-IP-address')
    .optional()
    .describe('The server also requires the client to be inside the provider network'),
});

const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language tag such as en or fr-CH');
const localisedText = (max: number) => z.record(languageTag, text(max));

const davSchema = z.strictObject({
  url: httpsUrl,
  username: usernameSchema.optional().describe('Defaults to the domain login name policy'),
  auth: z.enum(['http-basic', 'http-digest', 'OAuth2']).optional(),
});

const documentationLink = z.strictObject({ url: webUrlSchema, description: localisedText(200).optional() });

const formField = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'expected a form field id')
      .optional(),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.:[\]-]{1,100}$/, 'expected a form field name')
      .optional(),
  })
  .refine((field) => field.id !== undefined || field.name !== undefined, 'set id, name or both');

const webmailSchema = z
  .union([
    webUrlSchema,
    z.strictObject({
      url: webUrlSchema.describe('The login page people open'),
      loginPageInfo: z
        .strictObject({
          url: webUrlSchema,
          username: usernameSchema.optional().describe('Defaults to the domain login name policy'),
          usernameField: formField,
          passwordField: formField.optional(),
          loginButton: formField.optional(),
        })
        .optional()
        .describe('How a client can fill in the login form (autoconfig <loginPageInfo>)'),
    }),
  ])
  .describe('Webmail login page: a URL, or an object with the form details');

/** Settings a domain may set or inherit from a profile. */
const settingsFields = {
  extends: z.string().min(1).optional().describe('Name of a profile whose settings this one starts from'),
  provider: z
    .strictObject({
      name: text(60).describe('Provider name shown by clients (≤ 60 characters; may hold %EMAILDOMAIN%)'),
      shortName: text(60)
        .optional()
        .describe('Short provider name (up to 20 characters is what clients expect; longer gets a warning)'),
    })
    .optional(),
  incoming: z
    .array(incomingServerSchema)
    .min(1)
    .optional()
    .describe('IMAP/POP3/Exchange servers, preferred first'),
  outgoing: z
    .array(outgoingServerSchema)
    .min(1)
    .optional()
    .describe('SMTP submission servers, preferred first'),
  username: usernameSchema.optional(),
  auth: authSchema.optional(),
  documentation: z
    .union([documentationLink, z.array(documentationLink).min(1)])
    .transform((links) => Object.freeze(Array.isArray(links) ? links : [links]))
    .optional()
    .describe('Help pages for people: one, or a list'),
  help: localisedText(2000).optional().describe('Help text for people, by language tag'),
  webmail: webmailSchema.optional(),
  enable: z
    .strictObject({
      visitUrl: webUrlSchema.describe('The page where people switch IMAP/POP access on'),
      instructions: localisedText(2000).optional().describe('What to do there, by language tag'),
    })
    .optional()
    .describe('A step people must take before a mail client can connect (autoconfig <enable>)'),
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
    .optional()
    .describe(
      'OAuth2 issuer; may be left out when every OAuth2 server is one Thunderbird knows by host name',
    ),
};

export const profileSchema = z.strictObject(settingsFields);

/**
 * One domain entry: the schema of a single-domain file and of each object under `domains:`. Other
 * domain sources (SQL rows' `overrides`) validate with this same schema, so its name is stable.
 */
export const domainEntrySchema = z.strictObject({
  domain: hostNameSchema,
  aliases: z
    .array(hostNameSchema)
    .optional()
    .describe('Other domains answered with the same settings (a name listed twice is reported once)'),
  ...settingsFields,
});

const ipAddress = z
  .union([z.ipv4(), z.ipv6()])
  .transform(normalizeIpAddress)
  .describe('An IPv4 or IPv6 address');

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
});

export type ProfileInput = z.infer<typeof profileSchema>;
export type DomainEntryInput = z.infer<typeof domainEntrySchema>;
export type ServiceInput = z.infer<typeof serviceSchema>;
export type MultiFileInput = z.infer<typeof multiFileSchema>;
export type IncomingServerInput = z.infer<typeof incomingServerSchema>;
export type OutgoingServerInput = z.infer<typeof outgoingServerSchema>;
export type ServerInput = IncomingServerInput | OutgoingServerInput;

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
