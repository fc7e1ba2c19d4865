import type { Preparer } from '../catalog/prepared-cache';
import type { Snapshot } from '../catalog/snapshot';
import { parseEmailAddress } from '../core/address';
import { domainZones } from '../dns/records';
import { ASSET_PREFIX, findAsset, pageAssets, type PageAssets } from '../pages/assets';
import { prepareDomainPage, type DomainPageFacts, type PagePaths } from '../pages/domain-facts';
import { chooseLanguage } from '../pages/i18n';
import { renderPage } from '../pages/render';
import { settingsPageView, type PageView } from '../pages/view-model';
import { MESSAGES, plain, type Answer, type Outcome } from './answer';
import { AUTOCONFIG_PATHS } from './autoconfig';
import { AUTODISCOVER_PATH } from './autodiscover-pox';
import type { Endpoint } from './endpoint';
import { domainFromHost, hostName } from './host';
import { MOBILECONFIG_PATH, MOBILECONFIG_QR_PATH } from './mobileconfig';

export const SETTINGS_PAGE_PATHS = ['/', '/settings'] as const;

export interface PageRequest {
  /** `?email=`; anything but one string is treated as an invalid address. */
  readonly email: unknown;
  readonly lang: unknown;
  readonly acceptLanguage: string | undefined;
  readonly host: string | undefined;
}

const HTML = 'text/html; charset=utf-8';

const PAGE_PATHS: PagePaths = {
  autoconfig: AUTOCONFIG_PATHS,
  autodiscover: AUTODISCOVER_PATH,
  mobileconfig: MOBILECONFIG_PATH,
  mobileconfigQr: MOBILECONFIG_QR_PATH,
};

/** What the page shows about a domain whoever asks, DNS records included. */
const pageFacts: Preparer<DomainPageFacts> = {
  name: 'settings-page',
  prepare: (settings, catalog) =>
    prepareDomainPage(settings, catalog.service, domainZones(settings, catalog.dns), PAGE_PATHS),
  // Mostly references to the shared settings; the DNS facts are its own strings.
  size: (facts) =>
    800 + facts.dnsFacts.reduce((sum, fact) => sum + (fact.name.length + fact.value.length) * 2 + 64, 0),
};

function htmlAnswer(
  status: number,
  view: PageView,
  assets: PageAssets,
  outcome: Outcome,
  domain?: string,
): Answer {
  const body = Buffer.from(renderPage(view, assets), 'utf8');
  return {
    status,
    headers: {
      'Content-Type': HTML,
      'Content-Length': String(body.length),
      'Content-Language': view.language,
      // Pages name a person's address, and the language follows a request header.
      'Cache-Control': 'no-store',
      Vary: 'Accept-Language',
    },
    body,
    meta: { protocol: 'settings-page', outcome, ...(domain !== undefined && { domain }) },
  };
}

/**
 * The settings page for people (`/` and `/settings`): the address form, the settings for an
 * address, or a page saying its domain is not served here. The submitted value is never shown
 * back unless it is a valid address of a served domain.
 */
export function answerSettingsPage(snapshot: Snapshot, request: PageRequest): Answer {
  const assets = pageAssets();
  const language = chooseLanguage(request);
  // An empty `email=` comes from submitting the form empty, which deserves the error message.
  if (request.email === undefined) {
    const domain = domainFromHost(
      hostName(request.host),
      ['autoconfig', 'autodiscover'],
      (name) => snapshot.settings(name) !== undefined,
    );
    const providerName = domain === undefined ? undefined : snapshot.settings(domain)?.provider.name;
    return htmlAnswer(200, { kind: 'form', language, providerName, invalidAddress: false }, assets, 'form');
  }
  const parsed =
    typeof request.email === 'string' ? parseEmailAddress(request.email.trim()) : { ok: false as const };
  if (!parsed.ok) {
    return htmlAnswer(
      400,
      { kind: 'form', language, providerName: undefined, invalidAddress: true },
      assets,
      'bad-request',
    );
  }
  const settings = snapshot.settings(parsed.value.domain);
  if (!settings) {
    return htmlAnswer(404, { kind: 'unknown-domain', language }, assets, 'unknown-domain');
  }
  const view = settingsPageView(settings, snapshot.prepared(pageFacts, settings), parsed.value, language);
  return htmlAnswer(200, view, assets, 'ok', settings.domain);
}

/** The page's CSS and JS; their URLs carry a content hash, so browsers may keep them for a year. */
export function answerPageAsset(path: string): Answer | undefined {
  const asset = findAsset(path);
  if (!asset) return undefined;
  return {
    status: 200,
    headers: {
      'Content-Type': asset.contentType,
      'Content-Length': String(asset.body.length),
      'Cache-Control': 'public, max-age=31536000, immutable',
    },
    body: asset.body,
    meta: { protocol: 'settings-page', outcome: 'asset' },
  };
}

export const settingsPageEndpoint: Endpoint = {
  name: 'settings-page',
  protocol: 'settings-page',
  paths: SETTINGS_PAGE_PATHS,
  methods: ['GET'],
  kind: 'html',
  rateLimited: true,
  // A repeated `email` shows the form's "invalid address" message, in the visitor's language.
  repeatedParameters: 'read',
  answer: (request, ctx) =>
    answerSettingsPage(ctx.snapshot, {
      email: request.query.get('email'),
      lang: request.query.get('lang'),
      acceptLanguage: request.acceptLanguage,
      host: request.host,
    }),
};

const ASSET_NOT_FOUND = plain(404, MESSAGES.notFound, { protocol: 'settings-page', outcome: 'not-found' });

/** The page's stylesheet and script. */
export const pageAssetsEndpoint: Endpoint = {
  name: 'page-assets',
  protocol: 'settings-page',
  paths: [],
  prefix: ASSET_PREFIX,
  methods: ['GET'],
  kind: 'machine',
  rateLimited: true,
  answer: (request) => answerPageAsset(`${ASSET_PREFIX}${request.rest}`) ?? ASSET_NOT_FOUND,
};
