import { join } from 'node:path';
import { loadCatalogDir, loadCatalogTexts, type CatalogConfig } from '../../src/catalog/load';
import { Snapshot } from '../../src/catalog/snapshot';

export const REPO_ROOT = join(__dirname, '..', '..');
export const EXAMPLE_CONFIG_DIR = join(REPO_ROOT, 'config');

export async function loadExample(): Promise<CatalogConfig> {
  const result = await loadCatalogDir(EXAMPLE_CONFIG_DIR, { displayBase: REPO_ROOT });
  if (!result.ok) throw new Error(`example config does not load: ${JSON.stringify(result.errors)}`);
  return result.config;
}

export async function exampleSnapshot(): Promise<Snapshot> {
  return new Snapshot(await loadExample());
}

/** Loads YAML given inline as { 'file.yaml': text }; throws with every problem if it fails. */
export function loadInline(files: Record<string, string>): CatalogConfig {
  const result = loadCatalogTexts(Object.entries(files).map(([file, text]) => ({ file, text })));
  if (!result.ok)
    throw new Error(
      result.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.path}: ${e.message}`).join('\n'),
    );
  return result.config;
}

export const FIXED_NOW = new Date('2026-01-02T09:14:03.221Z');

export function poxBody(
  address: string,
  responseSchema = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
  requestNs = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006',
): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${requestNs}">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>${responseSchema}</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;
}
