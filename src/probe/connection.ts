import { Socket, isIP } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';

/** Where to connect, and the name the server should present a certificate for. */
export interface Dial {
  /** The host name as clients know it: SNI and certificate checks use it. */
  readonly host: string;
  readonly port: number;
  /** The IP address actually connected to. */
  readonly address: string;
  /** The port actually connected to (differs from `port` only with a --connect-to mapping). */
  readonly connectPort: number;
}

export interface TlsOptions {
  /** Trusted CA certificates (PEM); the system's roots plus any from --ca-file. */
  readonly ca: readonly string[];
}

export interface TlsFacts {
  readonly protocol: string;
  readonly authorized: boolean;
  readonly authorizationError?: string;
  readonly certificate?: PeerCertificate;
}

/** How many timeouts one connection's whole dialogue may last (greeting, capabilities, TLS, login). */
const DIALOGUE_STEPS = 6;
/** Mail servers' lines are short; anything much longer is not a mail server. */
const MAX_LINE = 16 * 1024;

export class ProbeError extends Error {
  constructor(
    readonly stage: 'connect' | 'tls' | 'greeting' | 'starttls' | 'dialogue',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A line-oriented client connection (IMAP, POP3 and SMTP all speak CRLF lines) with one timeout per
 * step, that can switch to TLS in place (STARTTLS). Certificates are never refused here: the facts
 * are recorded so that the caller can say what exactly is wrong with them.
 */
export class LineConnection {
  private buffer = '';
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  /** A whole dialogue may take a few steps' time: a server trickling lines cannot hold a probe. */
  private readonly deadline: number;
  tls: TlsFacts | undefined;

  private constructor(
    private socket: Socket | TLSSocket,
    private readonly dial: Dial,
    private readonly timeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutMs * DIALOGUE_STEPS;
    this.listen(socket);
  }

  static async open(
    dial: Dial,
    mode: 'tls' | 'plain',
    tls: TlsOptions,
    timeoutMs: number,
  ): Promise<LineConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const raw = new Socket();
      const timer = setTimeout(() => {
        raw.destroy();
        reject(new ProbeError('connect', `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      raw.once('error', (error) => {
        clearTimeout(timer);
        raw.destroy();
        reject(new ProbeError('connect', describeError(error)));
      });
      raw.connect(dial.connectPort, dial.address, () => {
        clearTimeout(timer);
        raw.removeAllListeners('error');
        resolve(raw);
      });
    });
    if (mode === 'plain') return new LineConnection(socket, dial, timeoutMs);
    const secured = await handshake(socket, dial, tls, timeoutMs);
    const connection = new LineConnection(secured.socket, dial, timeoutMs);
    connection.tls = secured.facts;
    return connection;
  }

  /** Replaces the plain socket with TLS over it, after the server agreed to STARTTLS/STLS. */
  async startTls(tls: TlsOptions): Promise<void> {
    if (this.buffer.length > 0)
      throw new ProbeError('starttls', 'the server sent data before the TLS handshake (possible injection)');
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('error');
    plain.removeAllListeners('close');
    const secured = await handshake(plain, this.dial, tls, this.timeoutMs);
    this.socket = secured.socket;
    this.tls = secured.facts;
    this.listen(secured.socket);
  }

  write(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  readLine(): Promise<string> {
    const newline = this.buffer.indexOf('\n');
    if (newline >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      return Promise.resolve(line);
    }
    if (this.failure) return Promise.reject(this.failure);
    const left = this.deadline - Date.now();
    if (left <= 0)
      return Promise.reject(
        new ProbeError('dialogue', `the dialogue took longer than ${this.timeoutMs * DIALOGUE_STEPS} ms`),
      );
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.waiting = undefined;
          reject(
            new ProbeError(
              'dialogue',
              left < this.timeoutMs
                ? `the dialogue took longer than ${this.timeoutMs * DIALOGUE_STEPS} ms`
                : `no answer within ${this.timeoutMs} ms`,
            ),
          );
        },
        Math.min(this.timeoutMs, left),
      );
      this.waiting = {
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private listen(socket: Socket | TLSSocket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      if (this.buffer.length > MAX_LINE && !this.buffer.includes('\n'))
        this.fail(new ProbeError('dialogue', `a line longer than ${MAX_LINE} bytes`));
      this.deliver();
    });
    socket.on('error', (error: Error) => this.fail(new ProbeError('dialogue', describeError(error))));
    socket.on('close', () => this.fail(new ProbeError('dialogue', 'the server closed the connection')));
  }

  private deliver(): void {
    if (!this.waiting) return;
    const newline = this.buffer.indexOf('\n');
    if (newline < 0) return;
    const line = this.buffer.slice(0, newline).replace(/\r$/, '');
    this.buffer = this.buffer.slice(newline + 1);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve(line);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }
}

function handshake(
  socket: Socket,
  dial: Dial,
  tls: TlsOptions,
  timeoutMs: number,
): Promise<{ socket: TLSSocket; facts: TlsFacts }> {
  return new Promise((resolve, reject) => {
    const secured = tlsConnect({
      socket,
      ...(isIP(dial.host) === 0 && { servername: dial.host }),
      ca: [...tls.ca],
      // Judged by the caller, which reports what is wrong instead of just "handshake failed".
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      secured.destroy();
      reject(new ProbeError('tls', `no TLS handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    secured.once('error', (error: Error) => {
      clearTimeout(timer);
      secured.destroy();
      const code = (error as NodeJS.ErrnoException).code;
      reject(
        new ProbeError(
          'tls',
          code === 'ERR_SSL_WRONG_VERSION_NUMBER'
            ? 'no TLS on this port: the server answered in plain text'
            : `TLS handshake failed: ${describeError(error)}`,
        ),
      );
    });
    secured.once('secureConnect', () => {
      clearTimeout(timer);
      secured.removeAllListeners('error');
      const certificate = secured.getPeerCertificate();
      const authorizationError = secured.authorizationError as unknown as Error | string | null;
      resolve({
        socket: secured,
        facts: {
          protocol: secured.getProtocol() ?? 'TLS',
          authorized: secured.authorized,
          ...(authorizationError && {
            authorizationError:
              typeof authorizationError === 'string' ? authorizationError : authorizationError.message,
          }),
          ...(certificate && Object.keys(certificate).length > 0 && { certificate }),
        },
      });
    });
  });
}

export function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
