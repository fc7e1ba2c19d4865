import { LRUCache } from 'lru-cache';
import type { DomainSettings, ServiceSettings } from '../core/settings';
import type { DnsContext } from '../dns/records';

/**
 * What one endpoint prepares for one domain (or for every domain sharing some settings): built on
 * first use and kept in the snapshot's one cache, which is bounded by bytes.
 */
export interface Preparer<T extends object> {
  /** Unique among preparers: part of the cache key. */
  readonly name: string;
  readonly prepare: (settings: DomainSettings, catalog: PrepareContext) => T;
  /** About how many bytes the value holds (strings count 2 per character, as V8 may store them). */
  readonly size: (value: T) => number;
  /**
   * What the value depends on, when that is less than the domain: domains with the same key share
   * one value (the Outlook document names servers, not the domain). Default: the domain.
   */
  readonly shareKey?: (settings: DomainSettings, catalog: PrepareContext) => string;
}

/** What preparers may read besides the domain's settings. */
export interface PrepareContext {
  readonly service: ServiceSettings;
  readonly dns: DnsContext;
  idOf(value: object): number;
  /** Another preparer's value, so one may build on a shared one. */
  prepared<T extends object>(preparer: Preparer<T>, settings: DomainSettings): T;
}

/** Bookkeeping per entry (key string, LRU node, Map slot), counted on top of the value's own size. */
const ENTRY_OVERHEAD = 200;

/**
 * Default budget: 32 MiB of prepared answers. With about 1.5-10 KiB per entry that is several
 * thousand hot domains, and a scan over all domains of a hoster stays inside the 256 MiB the
 * shipped Kubernetes manifest allows (docs/performance.md has the measurement).
 */
export const DEFAULT_PREPARED_BYTES = 32 * 1024 * 1024;

export class PreparedCache {
  private readonly cache: LRUCache<string, object>;

  constructor(maxBytes: number) {
    this.cache = new LRUCache<string, object>({ maxSize: maxBytes });
  }

  get<T extends object>(preparer: Preparer<T>, settings: DomainSettings, catalog: PrepareContext): T {
    const key = `${preparer.name}\n${preparer.shareKey ? preparer.shareKey(settings, catalog) : domainKey(settings, catalog)}`;
    let value = this.cache.get(key) as T | undefined;
    if (value === undefined) {
      value = preparer.prepare(settings, catalog);
      const size = preparer.size(value) + ENTRY_OVERHEAD + key.length * 2;
      this.cache.set(key, value, { size: Math.max(1, size) });
    }
    return value;
  }

  /** Bytes held, as counted by the preparers' sizes. */
  get bytes(): number {
    return this.cache.calculatedSize;
  }

  get entries(): number {
    return this.cache.size;
  }
}

/**
 * The domain, or for a templated domain (`%EMAILDOMAIN%`) the view of it one name sees: an alias
 * of such a domain has the domain's name but its own hosts.
 */
function domainKey(settings: DomainSettings, catalog: PrepareContext): string {
  return settings.templates ? `${settings.domain}#${catalog.idOf(settings)}` : settings.domain;
}

/** Approximate bytes of a list of strings. */
export function stringBytes(values: readonly string[]): number {
  let total = 0;
  for (const value of values) total += value.length * 2 + 16;
  return total;
}
