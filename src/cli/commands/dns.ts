import { InvalidArgumentError, Option, type Command } from 'commander';
import { normalizeDomain } from '../../core/address';
import type { DomainSettings } from '../../core/settings';
import { absolute } from '../../dns/zonefile';
import { domainZones, type ZoneRecords } from '../../dns/records';
import { writeZones } from '../../dns/zonefile';
import { Snapshot } from '../../catalog/snapshot';
import { resolveConfigDir } from '../config-dir';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { loadWithSourcesOrExit } from '../load-with-sources';

const MAX_TTL = 2147483647;

export function parseTtl(value: string): number {
  const ttl = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(ttl) || ttl > MAX_TTL)
    throw new InvalidArgumentError(`expected whole seconds from 0 to ${MAX_TTL}`);
  return ttl;
}

/**
 * The zones to print: a configured domain brings its aliases (each its own zone), an alias only
 * itself, --all every domain.
 */
function selectZones(
  snapshot: Snapshot,
  names: readonly string[],
  all: boolean,
  ttl?: number,
): Iterable<ZoneRecords> {
  const zonesOf = (settings: DomainSettings) => domainZones(settings, snapshot.dns, ttl);
  // Generated as they are printed and not kept: a config may hold 100,000 domains.
  if (all)
    return (function* () {
      for (const settings of snapshot.domains) yield* zonesOf(settings);
    })();
  const zones: ZoneRecords[] = [];
  const unknown: string[] = [];
  for (const raw of names) {
    const name = normalizeDomain(raw);
    const settings = name === undefined ? undefined : snapshot.settings(name);
    if (!name || !settings) {
      unknown.push(raw);
      continue;
    }
    for (const zone of zonesOf(settings))
      if ((name === settings.domain || zone.zone === name) && !zones.includes(zone)) zones.push(zone);
  }
  if (unknown.length > 0) throw new CliExit(EXIT.usage, `not in the config: ${unknown.join(', ')}`);
  return zones;
}

export function registerDns(program: Command, io: CliIo): void {
  program
    .command('dns')
    .description('print the DNS records that make domains discoverable by mail clients (SRV, CNAME)')
    .argument('[domain...]', 'domains to print (a domain brings its aliases)')
    .option('--all', 'every domain in the config')
    .addOption(new Option('--format <format>', 'output format').choices(['zone', 'json']).default('zone'))
    .option('--ttl <seconds>', 'TTL of the records (default: service.dnsTtl)', parseTtl)
    .option('--config <dir>', 'config directory (default: $MAIL_AUTOCONF_CONFIG or ./config)')
    .action(
      async (
        domains: string[],
        options: { all?: boolean; format: 'zone' | 'json'; ttl?: number; config?: string },
      ) => {
        if (domains.length === 0 && !options.all)
          throw new CliExit(EXIT.usage, 'name at least one domain, or use --all');
        if (domains.length > 0 && options.all)
          throw new CliExit(EXIT.usage, 'give either domains or --all, not both');
        const { dir } = resolveConfigDir(options.config, io);
        const snapshot = new Snapshot((await loadWithSourcesOrExit(dir, io)).config);
        const missing: string[] = [];
        const zones = selectZones(snapshot, domains, options.all === true, options.ttl);
        const noting = function* () {
          for (const zone of zones) {
            for (const m of zone.missing)
              missing.push(`not generated: ${absolute(m.name)} ${m.type}: ${m.reason}\n`);
            yield zone;
          }
        };
        writeZones(noting(), options.format, (text) => io.stdout.write(text));
        for (const line of missing) io.stderr.write(line);
      },
    );
}
