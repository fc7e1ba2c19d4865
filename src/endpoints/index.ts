import { autoconfigEndpoint } from './autoconfig';
import { autodiscoverJsonQueryEndpoint, autodiscoverJsonV1Endpoint } from './autodiscover-json';
import { autodiscoverPoxEndpoint } from './autodiscover-pox';
import type { Endpoint, RenderFormat } from './endpoint';
import { mobileconfigEndpoint, mobileconfigQrEndpoint } from './mobileconfig';
import { pageAssetsEndpoint, settingsPageEndpoint } from './settings-page';
import { tlsAskEndpoint } from './tls-ask';

/**
 * Every endpoint the service answers besides the ops probes (endpoints/ops.ts, which need the
 * server's status). To add an endpoint, write its module and list it here: the HTTP router, the
 * pre-router, the CLI's `render --format` choices and the tests' tables all read this list.
 */
export const SERVICE_ENDPOINTS: readonly Endpoint[] = [
  autoconfigEndpoint,
  autodiscoverPoxEndpoint,
  autodiscoverJsonV1Endpoint,
  autodiscoverJsonQueryEndpoint,
  mobileconfigEndpoint,
  mobileconfigQrEndpoint,
  settingsPageEndpoint,
  pageAssetsEndpoint,
  tlsAskEndpoint,
];

/** The CLI's `render --format` choices, in the order of the endpoint list. */
export const RENDER_FORMATS: readonly RenderFormat[] = SERVICE_ENDPOINTS.flatMap(
  (endpoint) => endpoint.render ?? [],
);
