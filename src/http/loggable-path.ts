/**
 * The path of a request as it may be written to a log: no query string (autoconfig carries the
 * address there), no origin of an absolute-form target, and no local part of anything that looks
 * like an address (scanners and buggy clients put addresses in paths too).
 *
 * This runs for every request, answered or refused, logged or not (the metrics need the path), on
 * a request line an attacker chooses (Node accepts about 16 KiB). So it uses no regular expression
 * on the path: every step is one forward scan, and only the segments that reach the logged prefix
 * are looked at.
 */

export const MAX_LOGGED_PATH = 200;

/** What a segment holding an address is logged as, up to and including its last at sign. */
const MASK = '*@';

/**
 * UTF-8 bytes (lower-case hex) of the characters taken as an at sign: `@`, the fullwidth `＠`
 * (U+FF20) and the small `﹫` (U+FE6B). Mail clients never send the last two, but people paste them.
 */
const AT_SIGN_BYTES: readonly (readonly string[])[] = [['40'], ['ef', 'bc', 'a0'], ['ef', 'b9', 'ab']];
const AT_SIGN_CHARACTERS = new Set(['@', '\uFF20', '\uFE6B']);
const MAY_HOLD_AT_SIGN = /[@%\u0080-\uffff]/;

export function loggablePath(url: string | undefined): string {
  const target = url ?? '/';
  const queryAt = target.indexOf('?');
  const end = queryAt >= 0 ? queryAt : target.length;
  const start = pathStart(target, end);
  if (start >= end) return '/';
  // Nearly every path has no at sign in any spelling (those need `@`, `%` or a character beyond
  // ASCII) and is short: logged as it is, without the walk below.
  if (end - start <= MAX_LOGGED_PATH) {
    const path = target.slice(start, end);
    if (!MAY_HOLD_AT_SIGN.test(path)) return path;
  }

  let logged = '';
  let segmentStart = start;
  while (segmentStart <= end && logged.length <= MAX_LOGGED_PATH) {
    const slash = target.indexOf('/', segmentStart);
    const segmentEnd = slash >= 0 && slash < end ? slash : end;
    // The whole segment is scanned even when only its start is logged: an at sign past the cut
    // still marks the logged part as a local part.
    const afterAt = endOfLastAtSign(target, segmentStart, segmentEnd);
    logged += afterAt < 0 ? target.slice(segmentStart, segmentEnd) : MASK + target.slice(afterAt, segmentEnd);
    if (segmentEnd < end) logged += '/';
    segmentStart = segmentEnd + 1;
  }
  return logged.length > MAX_LOGGED_PATH ? `${logged.slice(0, MAX_LOGGED_PATH)}…` : logged;
}

/** Where the path begins: after `scheme://authority` of an absolute-form target (`GET http://h/p`). */
function pathStart(target: string, end: number): number {
  if (target.startsWith('/')) return 0;
  const schemeEnd = target.indexOf('://');
  if (schemeEnd <= 0 || schemeEnd >= end || !isScheme(target, schemeEnd)) return 0;
  const slash = target.indexOf('/', schemeEnd + 3);
  return slash >= 0 && slash < end ? slash : end;
}

function isScheme(text: string, end: number): boolean {
  if (!isLetter(text.charCodeAt(0))) return false;
  for (let i = 1; i < end; i++) {
    const code = text.charCodeAt(i);
    if (!isLetter(code) && !isDigit(code) && code !== 0x2b && code !== 0x2d && code !== 0x2e) return false;
  }
  return true;
}

/**
 * The index just after the last at sign in `text[from, to)`, or -1. An at sign may be written
 * plainly or percent-encoded any number of times over (`%40`, `%2540`, `%252540`, `%EF%BC%A0`).
 */
function endOfLastAtSign(text: string, from: number, to: number): number {
  let last = -1;
  let i = from;
  while (i < to) {
    const char = text[i] as string;
    if (AT_SIGN_CHARACTERS.has(char)) {
      i += char.length;
      last = i;
    } else if (char === '%') {
      const after = endOfEncodedAtSign(text, i, to);
      if (after > 0) last = i = after;
      else i++;
    } else {
      i++;
    }
  }
  return last;
}

function endOfEncodedAtSign(text: string, at: number, to: number): number {
  const first = hexDigitsOfEscape(text, at, to);
  if (first < 0) return -1;
  if (isByte(text, first, '40')) return first + 2;
  if (!isByte(text, first, 'ef')) return -1;
  for (const [, second, third] of AT_SIGN_BYTES) {
    if (second === undefined || third === undefined) continue;
    const secondAt = hexDigitsOfEscape(text, first + 2, to);
    if (secondAt < 0 || !isByte(text, secondAt, second)) continue;
    const thirdAt = hexDigitsOfEscape(text, secondAt + 2, to);
    if (thirdAt >= 0 && isByte(text, thirdAt, third)) return thirdAt + 2;
  }
  return -1;
}

/**
 * Where the two hex digits of the percent-escape at `at` begin, seen through any number of extra
 * encodings (`%40`, `%2540` and `%252540` all lead to `40`), or -1. Each layer is two characters,
 * so this is linear in what it reads.
 */
function hexDigitsOfEscape(text: string, at: number, to: number): number {
  if (text.charCodeAt(at) !== 0x25) return -1;
  let i = at + 1;
  while (
    i + 3 < to &&
    text.charCodeAt(i) === 0x32 &&
    text.charCodeAt(i + 1) === 0x35 &&
    isHex(text, i + 2) &&
    isHex(text, i + 3)
  )
    i += 2;
  return i + 1 < to && isHex(text, i) && isHex(text, i + 1) ? i : -1;
}

/** Whether the two hex digits at `i` are `byte` (lower-case hex), in either case. */
function isByte(text: string, i: number, byte: string): boolean {
  return (
    (text.charCodeAt(i) | 0x20) === byte.charCodeAt(0) &&
    (text.charCodeAt(i + 1) | 0x20) === byte.charCodeAt(1)
  );
}

function isHex(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}
