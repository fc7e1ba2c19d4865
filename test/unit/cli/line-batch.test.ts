import { LineBatch, type LineSink } from '../../../src/cli/line-batch';

function recordingSink() {
  const calls: string[] = [];
  const sink: LineSink = {
    write: (bytes) => calls.push(`write:${bytes.toString('utf8')}`),
    flush: () => calls.push('flush'),
    flushSync: () => calls.push('flushSync'),
  };
  return { sink, calls };
}

describe('LineBatch', () => {
  it('holds lines until the batch would overflow, then hands them on as one piece, in order', () => {
    const { sink, calls } = recordingSink();
    // Room for 20 bytes: a line is let in while its worst case (3 bytes a character) fits.
    const batch = new LineBatch(sink, 20);
    batch.write('aaaa\n');
    batch.write('bb\n');
    expect(calls).toEqual([]);
    batch.write('cccc\n');
    expect(calls).toEqual(['write:aaaa\nbb\n']);
    batch.flush();
    expect(calls).toEqual(['write:aaaa\nbb\n', 'write:cccc\n', 'flush']);
  });

  it('encodes characters beyond ASCII as UTF-8', () => {
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink);
    batch.write('{"userAgent":"Thunderbird für Ärzte ☃ 😀"}\n');
    batch.flush();
    expect(calls).toEqual(['write:{"userAgent":"Thunderbird für Ärzte ☃ 😀"}\n', 'flush']);
  });

  it('hands a line longer than a whole batch on by itself, after what was pending', () => {
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink, 30);
    batch.write('short\n');
    const long = `${'x'.repeat(40)}\n`;
    batch.write(long);
    batch.write('after\n');
    batch.flushSync();
    expect(calls).toEqual(['write:short\n', `write:${long}`, 'write:after\n', 'flushSync']);
  });

  it('does not reuse a buffer the sink may still be writing', () => {
    const pieces: Buffer[] = [];
    const batch = new LineBatch({ write: (bytes) => pieces.push(bytes), flush: () => undefined }, 16);
    batch.write('one\n');
    batch.drain();
    batch.write('two\n');
    batch.drain();
    expect(pieces.map((piece) => piece.toString())).toEqual(['one\n', 'two\n']);
  });

  it('writes nothing when nothing is pending', () => {
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink);
    batch.drain();
    batch.flush();
    expect(calls).toEqual(['flush']);
  });
});
