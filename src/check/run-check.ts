import type { EmailAddress } from '../core/address';
import { poxRequest } from '../protocols/pox-client-request';
import { AUTODISCOVER_SRV, domainZones } from '../dns/records';
import { answerAutoconfig, AUTOCONFIG_PATHS } from '../endpoints/autoconfig';
import { answerAutodiscoverPost, AUTODISCOVER_PATH } from '../endpoints/autodiscover-pox';
import type { Snapshot } from '../catalog/snapshot';
import { checkAutoconfigAnswer, checkAutodiscoverAnswer, checkRedirectProbe } from './answer-checks';
import type { DnsClient, Lookup } from './dns-client';
import { checkDns, followUpQueries, initialQueries, type Observed, type Query } from './dns-checks';
import { fetchLikeClient, type HttpOptions } from './http-client';
import { alternatives, type CheckResult } from './result';
import { answerAutodiscoverJson, AUTODISCOVER_JSON_V1_PREFIX } from '../endpoints/autodiscover-json';
import type { ProbeOptions } from '../probe/probe';
import { checkHttpsCertificate, checkMailServer, type MailServer } from './server-checks';
import { checkAutodiscoverJsonAnswer, mxLookupDomains } from './more-answer-checks';

export interface CheckOptions {
  readonly dns: Pick<DnsClient, 'lookup'>;
  readonly http: HttpOptions;
  /** Only plain http, for a test server without TLS; otherwise https first, then http like Thunderbird. */
  readonly httpOnly: boolean;
  readonly now?: () => Date;
  /** Connect to the advertised mail servers and the https names too; left out, they are not checked. */
  readonly servers?: ProbeOptions;
}

export interface CheckReport {
  /** The zone checked: the address's domain, a configured domain or alias. */
  readonly zone: string;
  /** The configured domain whose settings apply. */
  readonly domain: string;
  readonly address: string;
  readonly results: readonly CheckResult[];
  /** False when something a client needs is broken. */
  readonly ok: boolean;
}

/**
 * Looks at a live domain the way clients do: DNS through a resolver, then the autoconfig and
 * Autodiscover URLs, each answer compared with what this config serves. The network part is here;
 * every judgement is in the pure modules it calls.
 */
export async function checkDomain(
  snapshot: Snapshot,
  address: EmailAddress,
  options: CheckOptions,
): Promise<CheckReport> {
  const zoneName = address.domain;
  const settings = snapshot.settings(zoneName);
  if (!settings) throw new Error(`${zoneName} is not in the config`);
  const zone = domainZones(settings, snapshot.dns).find((z) => z.zone === zoneName);
  if (!zone) throw new Error(`no records for ${zoneName}`);
  const publicHost = snapshot.service.publicHost;

  const answers = new Map<string, Lookup>();
  const ask = async (queries: Query[]) => {
    await Promise.all(
      queries.map(async ({ name, type }) =>
        answers.set(`${name} ${type}`, await options.dns.lookup(name, type)),
      ),
    );
  };
  const observed: Observed = (name, type) => answers.get(`${name} ${type}`);
  await ask(initialQueries(zone, publicHost));
  await ask(followUpQueries(zone, observed));
  const results: CheckResult[] = checkDns(zone, publicHost, observed);

  const schemes = options.httpOnly ? ['http'] : ['https', 'http'];
  const query = `?emailaddress=${encodeURIComponent(address.address)}`;
  const expectedAutoconfig = answerAutoconfig(snapshot, {
    emailaddress: address.address,
    host: undefined,
  }).body.toString('utf8');
  const service = publicHost ?? 'this service';
  const pointName = (name: string) =>
    `point ${name} at ${service} (records: \`mail-autoconf dns ${zoneName}\`)`;
  const routeApex = (path: string) => `have the web server of ${zoneName} pass ${path} to ${service}`;
  const autoconfigForms = [
    { host: `autoconfig.${zoneName}`, path: AUTOCONFIG_PATHS[0], hint: pointName(`autoconfig.${zoneName}`) },
    { host: zoneName, path: AUTOCONFIG_PATHS[1], hint: routeApex('/.well-known/autoconfig/') },
  ];
  // The URL forms run in parallel, as in Thunderbird; within a form http only follows a failed https.
  const perForm = await Promise.all(
    autoconfigForms.map(async (form) => {
      const tried: CheckResult[] = [];
      for (const scheme of schemes) {
        const url = `${scheme}://${form.host}${form.path}${query}`;
        const answer = await fetchLikeClient({ url, method: 'GET' }, options.http);
        tried.push(checkAutoconfigAnswer(answer, expectedAutoconfig, zoneName, form.hint));
        if (tried.at(-1)?.ok) break;
      }
      return tried;
    }),
  );
  const autoconfig = perForm.flat();
  results.push(...alternatives(autoconfig));

  const body = poxRequest(address.address, 'outlook');
  const expectedAutodiscover = answerAutodiscoverPost(snapshot, {
    body,
    now: options.now?.() ?? new Date(),
  }).body.toString('utf8');
  const srvTarget = observed(`${AUTODISCOVER_SRV}.${zoneName}`, 'SRV');
  const srvHosts =
    srvTarget && srvTarget.status === 'ok'
      ? srvTarget.answers.flatMap((a) =>
          a.type === 'SRV' && a.data.target && a.data.target !== '.' ? [a.data.target.toLowerCase()] : [],
        )
      : [];
  const autodiscoverHosts = [...new Set([zoneName, `autodiscover.${zoneName}`, ...srvHosts])];
  const autodiscover = await Promise.all(
    autodiscoverHosts.map(async (host) => {
      const url = `${options.httpOnly ? 'http' : 'https'}://${host}${AUTODISCOVER_PATH}`;
      const answer = await fetchLikeClient(
        { url, method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body },
        options.http,
      );
      const hint =
        host === zoneName
          ? routeApex('/autodiscover/')
          : host === `autodiscover.${zoneName}`
            ? pointName(host)
            : `make ${AUTODISCOVER_SRV}.${zoneName} point at ${service}`;
      return checkAutodiscoverAnswer(answer, expectedAutodiscover, zoneName, hint);
    }),
  );
  results.push(...alternatives(autodiscover));
  const probe = await fetchLikeClient(
    { url: `http://autodiscover.${zoneName}${AUTODISCOVER_PATH}`, method: 'GET', followRedirects: false },
    options.http,
  );
  results.push(checkRedirectProbe(probe, pointName(`autodiscover.${zoneName}`)));

  // Autodiscover v2 (Outlook 2016+, Outlook mobile through Microsoft's cloud): JSON pointing at POX.
  const jsonUrl = `${options.httpOnly ? 'http' : 'https'}://autodiscover.${zoneName}${AUTODISCOVER_JSON_V1_PREFIX}${encodeURIComponent(address.address)}?Protocol=AutodiscoverV1`;
  const expectedJson = answerAutodiscoverJson(snapshot, {
    address: address.address,
    protocol: 'AutodiscoverV1',
  }).body.toString('utf8');
  results.push(
    checkAutodiscoverJsonAnswer(
      await fetchLikeClient({ url: jsonUrl, method: 'GET' }, options.http),
      expectedJson,
      pointName(`autodiscover.${zoneName}`),
    ),
  );

  // Thunderbird's MX-based lookup: autoconfig on the MX host's base domain (protocols.md §1.1).
  const mx = observed(zoneName, 'MX');
  const mxHosts =
    mx && mx.status === 'ok'
      ? mx.answers
          .flatMap((a) =>
            a.type === 'MX' ? [{ preference: a.data.preference ?? 0, host: a.data.exchange }] : [],
          )
          .sort((a, b) => a.preference - b.preference)
      : [];
  const mxDomains = mxHosts[0] ? mxLookupDomains(mxHosts[0].host, zoneName) : [];
  for (const mxDomain of mxDomains) {
    const url = `${options.httpOnly ? 'http' : 'https'}://autoconfig.${mxDomain}${AUTOCONFIG_PATHS[0]}${query}`;
    const answer = await fetchLikeClient({ url, method: 'GET' }, options.http);
    const result = checkAutoconfigAnswer(
      answer,
      expectedAutoconfig,
      zoneName,
      `serve ${zoneName}'s settings at autoconfig.${mxDomain} too`,
    );
    const why = `(Thunderbird's MX-based lookup for MX ${mxHosts[0]?.host ?? ''}; only used when the URLs above fail)`;
    results.push(
      result.ok
        ? { ...result, message: `${result.message} ${why}` }
        : { ...result, message: `${result.message} ${why}`, essential: false },
    );
  }

  if (options.servers) {
    const servers = options.servers;
    if (!options.httpOnly)
      for (const host of [`autoconfig.${zoneName}`, `autodiscover.${zoneName}`])
        results.push(await checkHttpsCertificate(host, servers, true));
    const seen = new Set<string>();
    // An Exchange server speaks neither IMAP, POP3 nor SMTP: it is not connected to here.
    const mailServers = [...settings.incoming, ...settings.outgoing].filter(
      (server): server is MailServer => server.type !== 'exchange',
    );
    const unique = mailServers.filter((server) => {
      const key = `${server.type} ${server.host}:${server.port} ${server.security}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const perServer = await Promise.all(unique.map((server) => checkMailServer(server, servers)));
    results.push(...perServer.flat());
  }

  return {
    zone: zoneName,
    domain: settings.domain,
    address: address.address,
    results,
    ok: !results.some((result) => !result.ok && result.essential),
  };
}
