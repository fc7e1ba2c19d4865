import type { CliIo, CliStream } from './io';

export interface Palette {
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly bold: (text: string) => string;
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const COLOURS: Palette = { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), bold: sgr(1, 22) };
const PLAIN: Palette = { red: String, green: String, yellow: String, bold: String };

/**
 * Colour for a person at a terminal, plain text for pipes and files. NO_COLOR (no-color.org)
 * turns colour off, FORCE_COLOR on; a dumb terminal gets none.
 */
export function colourWanted(stream: CliStream, env: CliIo['env']): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function palette(io: CliIo, stream: 'stdout' | 'stderr'): Palette {
  return colourWanted(io[stream], io.env) ? COLOURS : PLAIN;
}
