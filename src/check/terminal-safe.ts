/**
 * Text from remote servers (host names, error messages, redirect targets) made safe to print on a
 * terminal: control characters would otherwise let a server clear the screen, recolour or rewrite
 * lines, set the window title or, on some terminals, write to the clipboard. Each one is shown as
 * a visible escape instead, so nothing is hidden. Line breaks and tabs are kept: the report's own
 * layout uses them, and they cannot run a terminal command.
 *
 * Replaced: C0 controls (U+0000–U+001F) but tab and newline, DEL (U+007F), C1 controls
 * (U+0080–U+009F, which some terminals read as ESC sequences), and the bidirectional overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069), which reorder what is shown.
 */
function isUnsafe(code: number): boolean {
  if (code === 0x09 || code === 0x0a) return false;
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

export function terminalSafe(text: string): string {
  let safe = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isUnsafe(code)) continue;
    safe +=
      text.slice(from, i) +
      (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
    from = i + 1;
  }
  return from === 0 ? text : safe + text.slice(from);
}

/**
 * JSON text made safe the same way. JSON.stringify already escapes C0 controls, but leaves DEL,
 * C1 and the bidirectional controls as they are; they can only occur inside strings, where a
 * `\\uXXXX` escape means the same character, so the JSON reads back unchanged.
 */
export function terminalSafeJson(json: string): string {
  let safe = '';
  let from = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (!isUnsafe(code)) continue;
    safe += json.slice(from, i) + `\\u${code.toString(16).padStart(4, '0')}`;
    from = i + 1;
  }
  return from === 0 ? json : safe + json.slice(from);
}
