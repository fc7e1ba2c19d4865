/** The terminal control characters in `text` (C0 but tab and newline, DEL, C1, bidi controls), as code points. */
export function controlCharacters(text: string): number[] {
  return [...text]
    .map((char) => char.codePointAt(0) as number)
    .filter(
      (code) =>
        (code < 0x20 && code !== 0x09 && code !== 0x0a) ||
        (code >= 0x7f && code <= 0x9f) ||
        (code >= 0x202a && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069),
    );
}
