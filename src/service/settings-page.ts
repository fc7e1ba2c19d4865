import { parseEmailAddress } from '../core/address';
import { findAsset, pageAssets, type PageAssets } from '../pages/assets';
import { chooseLanguage } from '../pages/i18n';
import { renderPage } from '../pages/render';
import { settingsPageView, type PageView } from '../pages/view-model';
import type { Answer, AnswerOutcome } from './answers';
import { domainFromHost, hostName } from './host';
import type { Snapshot } from './snapshot';

export const SETTINGS_PAGE_PATHS = ['/', '/settings'] as const;

export interface PageRequest {
  /** `?email=`; anything but one string is treated as an invalid address. */
  readonly email: unknown;
  readonly lang: unknown;
  readonly acceptLanguage: string | undefined;
  readonly host: string | undefined;
}

const HTML = 'text/html; charset=utf-8';

function htmlAnswer(
  status: number,
  view: PageView,
  assets: PageAssets,
  outcome: AnswerOutcome,
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
    const providerName = domain === undefined ? undefined : snapshot.lookup(domain)?.settings.provider.name;
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
  const prepared = snapshot.lookup(parsed.value.domain);
  if (!prepared) {
    return htmlAnswer(404, { kind: 'unknown-domain', language }, assets, 'unknown-domain');
  }
  const view = settingsPageView(prepared.settings, prepared.page, parsed.value, language);
  return htmlAnswer(200, view, assets, 'ok', prepared.settings.domain);
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
