import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { pageAssets } from '../../src/pages/assets';
import type { Snapshot } from '../../src/catalog/snapshot';
import { exampleSnapshot, FIXED_NOW } from '../helpers/example';

let snapshot: Snapshot;
let app: ReturnType<typeof createApp>;
let helmetDefaultCsp: string;

beforeAll(async () => {
  snapshot = await exampleSnapshot();
  app = createApp({ snapshot: () => snapshot, now: () => FIXED_NOW });
  // The policy a bare helmet() sends: the page must live with it unchanged.
  const bare = express().use(helmet());
  bare.get('/', (_req, res) => {
    res.end();
  });
  helmetDefaultCsp = (await request(bare).get('/')).headers['content-security-policy'] as string;
});

const HTML_TYPE = 'text/html; charset=utf-8';

describe('settings page over HTTP', () => {
  it.each(['/', '/settings'])('GET %s shows the address form with helmet default CSP', async (path) => {
    const res = await request(app).get(path).expect(200);
    expect(res.headers['content-type']).toBe(HTML_TYPE);
    expect(res.headers['content-security-policy']).toBe(helmetDefaultCsp);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.vary).toContain('Accept-Language');
    expect(res.text).toContain('<form class="card address-form" method="get" novalidate>');
    expect(res.text).toMatch(/<label for="email">Email address<\/label>/);
  });

  it('has no inline script, inline handler or inline style the CSP would block', async () => {
    for (const path of [
      '/',
      '/settings?email=alice%40example.com',
      '/?email=x',
      '/?email=a%40unknown.example',
    ]) {
      const res = await request(app).get(path);
      expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(res.text).not.toMatch(/\son[a-z]+=/i);
      expect(res.text).not.toMatch(/\sstyle=/i);
      expect(res.text).not.toMatch(
        /(src|href)="(https?:)?\/\/(?!www\.example\.com\/help|mail\.example\.com\/webmail\/)/,
      );
    }
  });

  it('shows the settings for an address of a served domain, by alias too', async () => {
    const res = await request(app).get('/settings').query({ email: 'Alice@EXAMPLE.ORG' }).expect(200);
    expect(res.text).toContain('<code class="value" id="login">Alice@example.org</code>');
    expect(res.text).toContain('<code class="value" id="in0-host">imap.example.com</code>');
    expect(res.text).toContain('<p class="brand">Example Mail</p>');
  });

  it('names the provider on the form when the Host is a served domain, and nothing for other hosts', async () => {
    const served = await request(app).get('/').set('Host', 'autoconfig.example.net').expect(200);
    expect(served.text).toContain('<p class="brand">Example Net Mail</p>');
    expect(served.text).toContain('Enter your Example Net Mail email address');
    const other = await request(app).get('/').set('Host', 'evil.example:8080').expect(200);
    expect(other.text).toContain('<p class="brand">Email settings</p>');
    expect(other.text).not.toContain('evil');
  });

  it('chooses the language from Accept-Language q-values and lets ?lang= override it', async () => {
    const german = await request(app).get('/').set('Accept-Language', 'en;q=0.2, de-AT;q=0.8').expect(200);
    expect(german.text).toContain('<html lang="de"');
    expect(german.headers['content-language']).toBe('de');
    const italian = await request(app).get('/?lang=it').set('Accept-Language', 'de').expect(200);
    expect(italian.text).toContain('<html lang="it"');
    const ignored = await request(app).get('/?lang=%3Cx%3E').set('Accept-Language', 'fr').expect(200);
    expect(ignored.text).toContain('<html lang="fr"');
    expect(ignored.text).not.toContain('<x>');
  });

  it.each([
    ['a script tag', '<script>alert(1)</script>'],
    ['an attribute break-out', '"><img src=x onerror=alert(1)>@example.net'],
    ['markup after a valid address', 'alice@example.net<script>alert(1)</script>'],
    ['a quote in the local part', "alice'onmouseover='alert(1)@example.net"],
    ['a client placeholder', 'alice%EMAILDOMAIN%@example.net'],
    ['two @', 'alice@@example.net'],
    ['an empty submission', ''],
    ['only spaces', '   '],
    ['5000 characters', 'x'.repeat(5000) + '@example.net'],
  ])('answers 400 with the form and a message, never the value, for %s', async (_label, email) => {
    const res = await request(app).get('/settings').query({ email }).expect(400);
    expect(res.headers['content-type']).toBe(HTML_TYPE);
    expect(res.headers['content-security-policy']).toBe(helmetDefaultCsp);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).not.toMatch(/alert\(1\)|onerror|onmouseover|EMAILDOMAIN|xxxxxxxxxx|example\.net/);
    expect(res.text).not.toMatch(/name="email"[^>]*\svalue=/);
  });

  it('treats a repeated email parameter as invalid', async () => {
    const res = await request(app).get('/settings?email=a%40example.net&email=b%40example.net').expect(400);
    expect(res.text).not.toContain('example.net');
  });

  it('answers 404 with a friendly page for domains not served here, without echoing them', async () => {
    const res = await request(app)
      .get('/settings')
      .query({ email: 'alice@unknown-domain.example', lang: 'de' })
      .expect(404);
    expect(res.headers['content-type']).toBe(HTML_TYPE);
    expect(res.text).toContain('<h1>Diese Domain wird hier nicht betreut</h1>');
    expect(res.text).not.toContain('unknown-domain');
    expect(res.text).not.toContain('alice');
    // Same status as the protocols give an unknown domain.
    await request(app).get('/mail/config-v1.1.xml?emailaddress=alice%40unknown-domain.example').expect(404);
  });

  it('serves the CSS and JS with a content hash in the URL and a one-year cache', async () => {
    const assets = pageAssets();
    const page = await request(app).get('/');
    for (const [asset, type] of [
      [assets.css, 'text/css; charset=utf-8'],
      [assets.js, 'text/javascript; charset=utf-8'],
    ] as const) {
      expect(asset.url).toMatch(/^\/assets\/settings\.[0-9a-f]{12}\.(css|js)$/);
      expect(page.text).toContain(`"${asset.url}"`);
      const res = await request(app).get(asset.url).expect(200);
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(Buffer.from(res.text)).toEqual(asset.body);
    }
    await request(app).get('/assets/settings.000000000000.css').expect(404);
    await request(app).get('/assets/..%2Fpackage.json').expect(404);
  });

  it('supports HEAD and refuses other methods with 405', async () => {
    const head = await request(app).head('/settings?email=alice%40example.com').expect(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(1000);
    const post = await request(app).post('/settings').expect(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});
