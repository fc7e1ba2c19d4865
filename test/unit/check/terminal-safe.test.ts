import { terminalSafe, terminalSafeJson } from '../../../src/check/terminal-safe';
import { controlCharacters } from '../../helpers/control-characters';

describe('security review #12: remote text is printed without terminal control characters', () => {
  it.each([
    ['\u001b[2J\u001b[31mPWNED\u001b[0m', '\\x1b[2J\\x1b[31mPWNED\\x1b[0m'],
    ['title\u001b]0;evil\u0007', 'title\\x1b]0;evil\\x07'],
    ['nul\u0000cr\rbs\u0008del\u007f', 'nul\\x00cr\\x0dbs\\x08del\\x7f'],
    ['c1 csi \u009b31m', 'c1 csi \\x9b31m'],
    ['bidi \u202eevil\u2066x\u2069', 'bidi \\u202eevil\\u2066x\\u2069'],
    ['line\nnext\tcolumn ✔ ü', 'line\nnext\tcolumn ✔ ü'],
  ])('%j is printed as %j', (text, shown) => {
    expect(terminalSafe(text)).toBe(shown);
  });

  it('JSON keeps its meaning: the same characters, escaped', () => {
    const value = { message: 'a\u001b[31m\u009b\u202e\u007fz' };
    const safe = terminalSafeJson(JSON.stringify(value));
    expect(controlCharacters(safe)).toEqual([]);
    expect(JSON.parse(safe)).toEqual(value);
  });
});
