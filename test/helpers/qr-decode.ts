import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from './system-tool';

/**
 * Reads a QR code the way a phone would: the SVG is rendered to pixels (rsvg-convert) and decoded
 * by an independent decoder (zbarimg), so the test does not trust the library that drew it.
 */
export function decodeQrSvg(svg: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mail-autoconf-qr-'));
  try {
    writeFileSync(join(dir, 'qr.svg'), svg);
    runTool('rsvg-convert', ['-w', '400', '-o', 'qr.png', 'qr.svg'], { cwd: dir, stdio: 'pipe' });
    return runTool('zbarimg', ['--raw', '-q', 'qr.png'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .replace(/\n$/, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
