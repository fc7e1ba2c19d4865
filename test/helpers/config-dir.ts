import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_CONFIG_DIR } from './example';

/** A private, writable copy of the example config, for tests that change config on disk. */
export class TempConfigDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-test-'));

  constructor() {
    cpSync(EXAMPLE_CONFIG_DIR, this.dir, { recursive: true });
  }

  write(relativePath: string, text: string): void {
    writeFileSync(join(this.dir, relativePath), text);
  }

  /** A port out of range: the whole config becomes invalid. */
  breakIt(): void {
    this.write(
      'domains/broken.yaml',
      'domain: broken.example\nincoming: [{ type: imap, host: imap.broken.example, port: 99999, security: tls }]\n',
    );
  }

  /** Replaces the broken file with a valid new domain. */
  fixWithNewDomain(): void {
    this.write(
      'domains/broken.yaml',
      'domain: fresh.example\nincoming: [{ type: imap, host: imap.fresh.example, security: tls }]\noutgoing: [{ host: smtp.fresh.example, security: tls }]\n',
    );
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Collects pino's JSON lines. */
export class LogCapture {
  readonly raw: string[] = [];
  write(chunk: string | Uint8Array): boolean {
    this.raw.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }
  get text(): string {
    return this.raw.join('');
  }
  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  requests(): Record<string, unknown>[] {
    return this.lines().filter((line) => line.msg === 'request');
  }
}
