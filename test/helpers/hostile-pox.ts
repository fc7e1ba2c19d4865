import { poxBody } from './example';

/**
 * POX bodies built to make the parser work, filled up to about `size` characters: the shapes of
 * the security review (attributes) and every other shape whose cost grows with the body.
 */
export function expensivePoxBodies(size: number): Record<string, string> {
  const plain = poxBody('bob@example.net');
  const room = size - plain.length - 16;
  const fill = (unit: string) => unit.repeat(Math.max(1, Math.floor(room / unit.length)));
  const insideRoot = (extra: string) => plain.replace('<Request>', `${extra}<Request>`);
  const rootAttributes = (extra: string) =>
    plain.replace('requestschema/2006"', `requestschema/2006"${extra}`);
  return {
    attributes: rootAttributes(
      Array.from({ length: Math.floor(room / 9) }, (_, i) => ` a${i.toString(36).padStart(4, '0')}=""`).join(
        '',
      ),
    ),
    'namespace declarations': rootAttributes(
      Array.from(
        { length: Math.floor(room / 15) },
        (_, i) => ` xmlns:p${i.toString(36).padStart(3, '0')}="u"`,
      ).join(''),
    ),
    'whitespace between elements': insideRoot(fill(' ')),
    'whitespace inside a tag': rootAttributes(fill(' ')),
    'elements with text': insideRoot(fill(`<x>${'t'.repeat(24)}</x>`)),
    'empty elements': insideRoot(fill('<x/>')),
    'entity references': insideRoot(`<x>${fill('&amp;')}</x>`),
    'a long address': poxBody(`${'b'.repeat(room)}@example.net`),
    'a long attribute value': rootAttributes(` x="${fill('v')}"`),
    nesting: insideRoot(`${'<a>'.repeat(Math.floor(room / 7))}${'</a>'.repeat(Math.floor(room / 7))}`),
  };
}
