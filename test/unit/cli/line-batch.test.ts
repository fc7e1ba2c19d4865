import { LineBatch, type LineSink } from '../../../src/cli/line-batch';

function recordingSink() {
  const calls: string[] = [];
  const sink: LineSink = {
    write: (text) => calls.push(`write:${text}`),
    flush: () => calls.push('flush'),
    flushSync: () => calls.push('flushSync'),
  };
  return { sink, calls };
}

describe('LineBatch', () => {
  it('holds lines until a batch is full, then hands them on as one piece, in order', () => {
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink, 10);
    batch.write('aaaa\n');
    batch.write('bbb\n');
    expect(calls).toEqual([]);
    batch.write('cc\n');
    expect(calls).toEqual(['write:aaaa\nbbb\ncc\n']);
    batch.write('d\n');
    expect(calls).toHaveLength(1);
  });

  it('hands on what is pending before flushing the sink', () => {
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink);
    batch.write('request 1\n');
    batch.write('request 2\n');
    batch.flush();
    expect(calls).toEqual(['write:request 1\nrequest 2\n', 'flush']);
    batch.write('last\n');
    batch.flushSync();
    expect(calls.slice(2)).toEqual(['write:last\n', 'flushSync']);
  });

  it('writes nothing when nothing is pending', () => {
    const { sink, calls } = recordingSink();
    const batch = new LineBatch(sink);
    batch.drain();
    batch.flush();
    expect(calls).toEqual(['flush']);
  });
});
