import type { LoadedConfig } from '../config/load';

/**
 * What keeps clients from finding this service by DNS although the config loads: records that
 * `mail-autoconf dns` cannot generate. One line each, for `validate` and `serve` to warn with.
 */
export function clientRecordGaps(config: Pick<LoadedConfig, 'service'>): string[] {
  if (config.service.publicHost !== undefined) return [];
  return [
    'service.publicHost is not set, so `mail-autoconf dns` cannot generate the autoconfig.<domain> and ' +
      'autodiscover.<domain> names or the _autodiscover._tcp SRV record that Thunderbird, Outlook and other ' +
      'clients look up first; set it to the host name this service answers on over https',
  ];
}
