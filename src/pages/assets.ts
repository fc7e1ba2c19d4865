import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from '../package-dir';

export interface PageAsset {
  /** Path the asset is served at; it contains a hash of the content, so it may be cached for a year. */
  readonly url: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export interface PageAssets {
  readonly css: PageAsset;
  readonly js: PageAsset;
}

export const ASSET_PREFIX = '/assets/';

function assetsDir(): string {
  return join(packageDir(), 'assets');
}

function load(file: string, contentType: string): PageAsset {
  const body = readFileSync(join(assetsDir(), file));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = file.lastIndexOf('.');
  return { url: `${ASSET_PREFIX}${file.slice(0, dot)}.${hash}${file.slice(dot)}`, contentType, body };
}

let loaded: PageAssets | undefined;

/** Read once per process: the files ship with the package and do not change while it runs. */
export function pageAssets(): PageAssets {
  loaded ??= {
    css: load('settings.css', 'text/css; charset=utf-8'),
    js: load('settings.js', 'text/javascript; charset=utf-8'),
  };
  return loaded;
}

export function findAsset(path: string): PageAsset | undefined {
  const { css, js } = pageAssets();
  return [css, js].find((asset) => asset.url === path);
}
