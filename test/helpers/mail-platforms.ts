import { startDnsServer, type TestDnsServer, type TestRecord } from './dns-server';
import { startDovecot, type DovecotOptions, type Listener, type TestDovecot } from './dovecot';
import { makeMailPki, type MailPki } from './mail-pki';
import { freePort } from './tools';

/** Every port `init` and `check` may try on a host. */
const ALL_PORTS = [993, 143, 995, 110, 465, 587, 25];

export interface PlatformSpec {
  readonly domain: string;
  /** Host names that resolve to this platform's Dovecot. */
  readonly hosts: readonly string[];
  readonly mx?: string;
  readonly users: DovecotOptions['users'];
  readonly listeners?: readonly Listener[];
  /** Names on the certificate (default: the hosts); `expired` makes it expired. */
  readonly certificateNames?: readonly string[];
  readonly expired?: boolean;
  readonly noTls?: boolean;
  readonly allowPlaintextAuth?: boolean;
}

export interface MailPlatforms {
  readonly pki: MailPki;
  readonly dns: TestDnsServer;
  readonly dovecots: ReadonlyMap<string, TestDovecot>;
  /** `--connect-to` values that send every probed host:port to the right Dovecot, or to a closed port. */
  readonly connectTo: readonly string[];
  /** `--resolver 127.0.0.1:PORT --ca-file CA --connect-to …` for the CLI. */
  readonly cliArgs: readonly string[];
  stop(): Promise<void>;
}

/**
 * Real Dovecot instances standing for mail platforms, a DNS server that knows their host names
 * (all 127.0.0.1) and curl-style port mappings, so the CLI sees standard ports without root, without
 * /etc/hosts and without any outside host.
 */
export async function startMailPlatforms(
  specs: readonly PlatformSpec[],
  extraRecords: readonly TestRecord[] = [],
): Promise<MailPlatforms> {
  const pki = makeMailPki();
  const dovecots = new Map<string, TestDovecot>();
  const records: TestRecord[] = [...extraRecords];
  const connectTo: string[] = [];
  const closed = await freePort();
  try {
    for (const spec of specs) {
      const dovecot = await startDovecot({
        users: spec.users,
        ...pki.issue(spec.certificateNames ?? spec.hosts, { expired: spec.expired === true }),
        ...(spec.listeners && { listeners: spec.listeners }),
        ...(spec.noTls && { noTls: true }),
        ...(spec.allowPlaintextAuth && { allowPlaintextAuth: true }),
      });
      dovecots.set(spec.domain, dovecot);
      for (const host of spec.hosts) {
        records.push({ name: host, type: 'A', ttl: 60, data: '127.0.0.1' });
        for (const port of ALL_PORTS)
          connectTo.push(`${host}:${port}:127.0.0.1:${dovecot.ports.get(port) ?? closed}`);
      }
      if (spec.mx)
        records.push({ name: spec.domain, type: 'MX', ttl: 60, data: { preference: 10, exchange: spec.mx } });
    }
  } catch (error) {
    for (const dovecot of dovecots.values()) await dovecot.stop();
    pki.remove();
    throw error;
  }
  const dns = await startDnsServer(records);
  return {
    pki,
    dns,
    dovecots,
    connectTo,
    cliArgs: [
      '--resolver',
      `127.0.0.1:${dns.port}`,
      '--ca-file',
      pki.ca,
      '--timeout',
      '3',
      ...connectTo.flatMap((mapping) => ['--connect-to', mapping]),
    ],
    async stop() {
      await dns.close();
      for (const dovecot of dovecots.values()) await dovecot.stop();
      pki.remove();
    },
  };
}
