import { USERNAME_POLICIES } from '../core/username';
import type { XmlElement } from './xml-tree';

/** An element, attribute or value of an imported file that the model has no place for. */
export interface Loss {
  readonly line: number;
  /** The element, e.g. `<inputField>` or `<incomingServer type="nntp">`. */
  readonly element: string;
  readonly reason: string;
}

function describe(element: XmlElement): string {
  const type = element.attrs.get('type');
  return type === undefined ? `<${element.name}>` : `<${element.name} type="${type}">`;
}

/** Reads values out of elements, noting every loss with its line. */
export class Reader {
  readonly losses: Loss[] = [];

  lose(element: XmlElement, reason: string): void {
    this.losses.push({ line: element.line, element: describe(element), reason });
  }

  /** Reports attributes the model does not keep. */
  attributes(element: XmlElement, kept: readonly string[]): void {
    for (const name of element.attrs.keys())
      if (!kept.includes(name)) this.lose(element, `attribute ${name} has no place in the model`);
  }

  text(element: XmlElement): string {
    return element.text.trim();
  }

  boolean(element: XmlElement): boolean | undefined {
    const value = this.text(element);
    if (value === 'true' || value === 'false') return value === 'true';
    this.lose(element, `expected true or false, got ${JSON.stringify(value)}`);
    return undefined;
  }

  integer(element: XmlElement, value = this.text(element)): number | undefined {
    if (/^[0-9]{1,9}$/.test(value)) return Number(value);
    this.lose(element, `expected a whole number, got ${JSON.stringify(value)}`);
    return undefined;
  }
}

/** The login as the model writes it: email / localpart / a template / none. */
/** The login as the model writes it: email / localpart / a template / none. */
export function loginWord(template: string | undefined): string {
  if (template === undefined) return 'none';
  if (template === USERNAME_POLICIES.email) return 'email';
  if (template === USERNAME_POLICIES.localpart) return 'localpart';
  return template;
}
