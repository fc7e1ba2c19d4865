// Callbacks passed to page.evaluate run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/start';
import { ConfigHolder } from '../../src/catalog/config-holder';
import { EXAMPLE_CONFIG_DIR, loadExample, REPO_ROOT } from '../helpers/example';

/**
 * The settings page in a real browser: Debian's chromium driven by playwright-core. Playwright's
 * own browser download needs the internet, so the system browser is used; a missing browser fails
 * the test (CI installs it in .ci/setup.d/30-chromium.sh) instead of skipping it.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'settings-page');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

jest.setTimeout(120_000);

let server: RunningServer;
let profileDir: string;
/** A fresh profile with the page's CSP enforced: what a visitor gets. */
let context: BrowserContext;
/** For contexts with other settings (no JavaScript, other languages, the accessibility scan). */
let browser: Browser;
const cspViolations: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package chromium`);
  const holder = ConfigHolder.fromConfig(EXAMPLE_CONFIG_DIR, await loadExample());
  server = await startServer({ holder, logger: pino({ level: 'silent' }), port: 0, host: '127.0.0.1' });
  profileDir = mkdtempSync(join(tmpdir(), 'settings-page-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close(1000);
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return page;
}

/**
 * Runs axe-core on what `page` shows. Injecting axe is an inline script, which the page's CSP
 * rightly blocks, so the same URL is opened in a context that bypasses CSP for this scan only.
 */
async function seriousAccessibilityViolations(
  page: Page,
  options: { openDetails?: boolean; colorScheme?: 'light' | 'dark' } = {},
): Promise<string[]> {
  const scanContext = await browser.newContext({
    bypassCSP: true,
    colorScheme: options.colorScheme ?? 'light',
    viewport: page.viewportSize(),
    extraHTTPHeaders: { 'Accept-Language': await page.evaluate(() => document.documentElement.lang) },
  });
  try {
    const scan = await scanContext.newPage();
    await scan.goto(page.url());
    if (options.openDetails) await scan.locator('details summary').click();
    await scan.addScriptTag({ content: AXE_SOURCE });
    const violations = await scan.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } }).axe;
      return (await axe.run()).violations;
    });
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length} nodes)`);
  } finally {
    await scanContext.close();
  }
}

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: unknown[];
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe('settings page in chromium', () => {
  it('takes an address, shows what to type, copies values, switches language and passes axe', async () => {
    const page = await newPage();
    const form = await page.goto(`${server.url}/`);
    expect(form?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await text(page, 'h1')).toBe('Set up your email');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'form-desktop.png'), fullPage: true });

    await page.getByLabel('Email address').fill('bob@example.net');
    await Promise.all([page.waitForURL(/[?&]email=bob%40example\.net/), page.getByRole('button').click()]);

    expect(await text(page, '.brand')).toBe('Example Net Mail');
    expect(await text(page, '.login-rule')).toBe('Only the part before the @:');
    expect(await text(page, '#login')).toBe('bob');
    expect(await text(page, '#in0-title')).toContain('IMAP');
    expect(await text(page, '#in0-host')).toBe('imap.hosting.example');
    expect(await text(page, '#in0-port')).toBe('993');
    expect(await text(page, '#in1-title')).toContain('POP3');
    expect(await text(page, '#out0-host')).toBe('smtp.hosting.example');
    expect(await text(page, '#out1-port')).toBe('587');
    const securities = await page
      .locator('#outgoing-title ~ .server-list .fact:nth-child(3) dd')
      .allInnerTexts();
    expect(securities).toEqual(['SSL/TLS', 'STARTTLS']);

    // The copy buttons appear only when the external script ran, i.e. the CSP let it load.
    const copyHost = page.getByRole('button', { name: 'Copy Server' }).first();
    await expect(copyHost.isVisible()).resolves.toBe(true);
    await copyHost.click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe('imap.hosting.example');
    await page.locator('#copy-status', { hasText: 'Copied' }).waitFor({ state: 'attached' });

    await page.locator('details.admin summary').click();
    expect(await seriousAccessibilityViolations(page, { openDetails: true })).toEqual([]);
    expect(await seriousAccessibilityViolations(page, { openDetails: true, colorScheme: 'dark' })).toEqual(
      [],
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-desktop-en.png'), fullPage: true });

    await Promise.all([page.waitForURL(/lang=de/), page.getByRole('link', { name: 'Deutsch' }).click()]);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await text(page, 'h1')).toBe('Einstellungen für Ihr Postfach');
    expect(await text(page, '.login-rule')).toBe('Nur der Teil vor dem @:');
    expect(await text(page, '#login')).toBe('bob');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-phone-de.png'), fullPage: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-phone-de-first-screen.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-phone-de-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.close();
    expect(cspViolations).toEqual([]);
  });

  it('follows Accept-Language, explains invalid addresses and unknown domains, on a phone', async () => {
    const italian = await browser.newContext({
      viewport: { width: 360, height: 740 },
      extraHTTPHeaders: { 'Accept-Language': 'it-CH, fr;q=0.5, en;q=0.1' },
    });
    const page = await italian.newPage();
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${server.url}/settings`);
    expect(await page.getAttribute('html', 'lang')).toBe('it');

    await page.getByLabel('Indirizzo email').fill('<b>not an address');
    const invalid = await Promise.all([page.waitForEvent('response'), page.getByRole('button').click()]);
    expect(invalid[0].status()).toBe(400);
    await page.waitForLoadState();
    expect(await page.getByRole('alert').innerText()).toContain('Questo non sembra un indirizzo email');
    expect(await page.content()).not.toContain('not an address');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'form-error-phone-it.png'), fullPage: true });

    const unknown = await page.goto(`${server.url}/settings?email=alice%40unknown.example&lang=fr`);
    expect(unknown?.status()).toBe(404);
    expect(await text(page, 'h1')).toBe('Ce domaine n’est pas géré ici');
    expect(await page.content()).not.toContain('unknown.example');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'unknown-domain-phone-fr.png'), fullPage: true });
    await italian.close();
    expect(cspViolations).toEqual([]);
  });

  it('works without JavaScript: the form submits and the values are there, without copy buttons', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
    try {
      const page = await noScript.newPage();
      await page.goto(`${server.url}/`);
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      await page.getByLabel('Adresse e-mail').fill('alice@example.com');
      await Promise.all([page.waitForURL(/email=alice%40example\.com/), page.getByRole('button').click()]);
      expect(await text(page, '.login-rule')).toBe('Votre adresse complète :');
      expect(await text(page, '#login')).toBe('alice@example.com');
      expect(await page.locator('button.copy').first().isVisible()).toBe(false);
    } finally {
      await noScript.close();
    }
  });
});
