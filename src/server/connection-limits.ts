import type { RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const IN_FLIGHT = Symbol('requests in flight');
type CountedSocket = Socket & { [IN_FLIGHT]?: number };

export interface ConnectionLimits {
  /** Open connections at most; Node closes any connection beyond it as soon as it is accepted. */
  readonly maxConnections: number;
  /** Requests one connection may have unanswered (pipelined) before it is closed. */
  readonly maxRequestsInFlight: number;
}

/**
 * Behind the recommended proxy there are a handful of connections, each carrying one request at a
 * time (nginx and Caddy never pipeline to the upstream). The bounds only matter when the port is
 * reached directly, and they are loose enough that no real client meets them.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 1000, maxRequestsInFlight: 16 };

/**
 * Closes a connection that has more than `limit` requests unanswered.
 *
 * Node parses a whole received chunk at once and hands every request in it to the listener before
 * anything is written, so its own back-pressure (which looks at output already written) never
 * stops a client that pipelines thousands of requests and reads no answer: each one would get its
 * request and response objects and a buffered answer. No mail client pipelines, so a connection
 * that does it this far is dropped, with what it had in flight; the requests parsed after the
 * limit never reach the app.
 */
export function boundRequestsInFlight(
  handler: RequestListener,
  limit: number,
  /** Called when a response is done (sent or cut off), after its slot is free again. */
  onResponseClosed?: () => void,
): RequestListener {
  // A count on the socket and one listener function shared by all responses: this runs for every
  // request, so it allocates nothing.
  function release(this: ServerResponse): void {
    const socket = this.req.socket as CountedSocket;
    socket[IN_FLIGHT] = (socket[IN_FLIGHT] ?? 1) - 1;
    onResponseClosed?.();
  }
  return (req, res) => {
    const socket = req.socket as CountedSocket;
    if (socket.destroyed) return;
    const count = (socket[IN_FLIGHT] ?? 0) + 1;
    if (count > limit) {
      socket.destroy();
      return;
    }
    socket[IN_FLIGHT] = count;
    res.on('close', release);
    handler(req, res);
  };
}
