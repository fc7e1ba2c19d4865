/** Where a {@link LineBatch} hands its bytes: pino's asynchronous destination in buffer mode. */
export interface LineSink {
  write(bytes: Buffer): unknown;
  flush(): unknown;
  flushSync?(): unknown;
}

/** Lines are handed on in pieces of up to this many bytes (and on every flush). */
export const DEFAULT_BATCH_BYTES = 64 * 1024;

/** A UTF-16 code unit never takes more than 3 bytes of UTF-8. */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Collects log lines as UTF-8 bytes and hands them to the sink in large pieces. pino's asynchronous
 * destination is buffered already, but it keeps strings: it measured the byte length of its whole
 * pending buffer on every write, and a joined batch was encoded again when written. With one
 * request line per request those made a line cost several µs of the server's time per request
 * (docs/performance.md). Here each line is encoded once, straight into the batch's buffer.
 *
 * Order is kept: every line (request lines and the others alike) passes through the same batch,
 * and `flush` hands on what is pending before flushing the sink.
 */
export class LineBatch {
  private buffer: Buffer;
  private used = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly batchBytes = DEFAULT_BATCH_BYTES,
  ) {
    this.buffer = Buffer.allocUnsafe(batchBytes);
  }

  write(line: string): boolean {
    const worstCase = line.length * MAX_BYTES_PER_UNIT;
    if (this.used + worstCase > this.batchBytes) {
      this.drain();
      if (worstCase > this.batchBytes) {
        // Longer than a whole batch (a long error with its stack): handed on by itself.
        this.sink.write(Buffer.from(line, 'utf8'));
        return true;
      }
    }
    this.used += this.buffer.write(line, this.used, 'utf8');
    return true;
  }

  /** Hands the pending bytes to the sink (which writes them when it will). */
  drain(): void {
    if (this.used === 0) return;
    // The sink keeps the piece until it is written, so the next lines go into a new buffer.
    const piece = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.batchBytes);
    this.used = 0;
    this.sink.write(piece);
  }

  flush(): void {
    this.drain();
    this.sink.flush();
  }

  flushSync(): void {
    this.drain();
    this.sink.flushSync?.();
  }
}
