/**
 * A tiny HTML builder: template literal text is trusted markup written in this code base, every
 * interpolated value is escaped unless it is already built `Html`. There is no way to insert an
 * unescaped string, so request or config data cannot become markup by accident.
 */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function serialise(value: HtmlValue): string {
  if (value instanceof Html) return value.markup;
  // `false`, null and undefined render nothing so conditionals read as `${cond && html`…`}`.
  if (value === null || value === undefined || value === false || value === true) return '';
  if (Array.isArray(value)) return value.map(serialise).join('');
  return escapeHtml(String(value));
}

/**
 * Indentation in templates is there for the source (the formatter lays them out); it is dropped
 * from the output. Only the literal parts are touched, never a value, and no template uses <pre>.
 */
const dedented = new WeakMap<TemplateStringsArray, readonly string[]>();

function dedent(strings: TemplateStringsArray): readonly string[] {
  let parts = dedented.get(strings);
  if (!parts) {
    parts = strings.map((part) => part.replace(/\n[ \t]+/g, '\n'));
    dedented.set(strings, parts);
  }
  return parts;
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  const parts = dedent(strings);
  let markup = parts[0] ?? '';
  values.forEach((value, index) => {
    markup += serialise(value) + (parts[index + 1] ?? '');
  });
  return new Html(markup);
}
