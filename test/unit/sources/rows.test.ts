import { rowToEntry } from '../../../src/sources/rows';
import { describeError, describeUrl, redact } from '../../../src/sources/connection';

describe('a source row as a domain entry', () => {
  it('takes aliases as an array, a comma list or a JSON array, and overrides as JSON text or data', () => {
    expect(rowToEntry({ domain: 'a.example', aliases: ['b.example'] }, 'p')).toMatchObject({
      ok: true,
      entry: { domain: 'a.example', aliases: ['b.example'], extends: 'p' },
    });
    expect(rowToEntry({ domain: 'a.example', aliases: 'b.example, c.example' })).toMatchObject({
      entry: { aliases: ['b.example', 'c.example'] },
    });
    expect(rowToEntry({ domain: 'a.example', aliases: '["b.example"]' })).toMatchObject({
      entry: { aliases: ['b.example'] },
    });
    expect(
      rowToEntry(
        {
          domain: 'a.example',
          profile: 'q',
          username: 'localpart',
          overrides: '{"webmail":"https://w.example/"}',
        },
        'p',
      ),
    ).toMatchObject({ entry: { extends: 'q', username: '%EMAILLOCALPART%', webmail: 'https://w.example/' } });
    expect(rowToEntry({ domain: 'a.example', aliases: null, overrides: null, profile: '' })).toMatchObject({
      ok: true,
      entry: { domain: 'a.example' },
    });
  });

  it('explains what is wrong with a row', () => {
    expect(rowToEntry({ domain: null })).toEqual({ ok: false, message: 'domain: the column is empty' });
    expect(rowToEntry({ domain: 'a.example', overrides: '{oops' })).toEqual({
      ok: false,
      message: 'overrides: not valid JSON',
    });
    expect(rowToEntry({ domain: 'a.example', overrides: { domain: 'b.example' } })).toEqual({
      ok: false,
      message: 'overrides.domain: not allowed here (the domain column sets it)',
    });
    expect(rowToEntry({ domain: 'a.example', overrides: { incomng: [] } })).toEqual({
      ok: false,
      message: 'overrides.incomng: unknown key (did you mean "incoming"?)',
    });
    expect(rowToEntry({ domain: 'a.example', username: '%BOGUS%' })).toMatchObject({ ok: false });
    expect(rowToEntry({ domain: 'a.example', aliases: 42 })).toEqual({
      ok: false,
      message: 'aliases: expected an array of names or a comma-separated list',
    });
  });
});

describe('connection URLs in messages', () => {
  it('shows the URL without its password and redacts it from errors', () => {
    const url = describeUrl('postgresql://panel:s%40cret-pw@db.example:5432/panel?sslmode=require');
    expect(url.shown).toBe('postgresql://panel@db.example:5432/panel');
    expect(
      redact(
        'failed for postgresql://panel:s%40cret-pw@db.example:5432/panel?sslmode=require and s@cret-pw',
        url.secrets,
      ),
    ).toBe('failed for *** and ***');
    expect(describeError(new Error('bad s@cret-pw\nline two'), url.secrets)).toBe('bad *** line two');
  });
});
