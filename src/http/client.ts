import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyaddr from 'proxy-addr';

/** Which hops may set X-Forwarded-For/-Proto: none, a hop count, or addresses/ranges/names. */
export type TrustSetting = boolean | string | number | readonly string[];

export interface Client {
  /** The client's address: the socket's peer, or what trusted proxies say. */
  readonly address: string | undefined;
  /** The request came over https, directly or as a trusted proxy says. */
  readonly secure: boolean;
}

type Trust = (address: string, hop: number) => boolean;

/** The same reading of a trust setting as Express's `trust proxy`. */
function compileTrust(setting: TrustSetting | undefined): Trust {
  if (setting === undefined || setting === false) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  const list = typeof setting === 'string' ? setting.split(',').map((entry) => entry.trim()) : [...setting];
  return proxyaddr.compile(list);
}

/**
 * Who sent a request and whether it came over https. Forwarding headers are read only from
 * trusted hops, so a client cannot pick its own rate-limit bucket or pretend it used https.
 */
export function createClientResolver(setting: TrustSetting | undefined): (req: IncomingMessage) => Client {
  const trust = compileTrust(setting);
  const trustsNobody = setting === undefined || setting === false;
  return (req) => {
    const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true;
    if (trustsNobody) return { address: req.socket.remoteAddress, secure: encrypted };
    const address = proxyaddr(req, trust);
    let secure = encrypted;
    const peer = req.socket.remoteAddress;
    if (peer !== undefined && trust(peer, 0)) {
      const forwarded = req.headers['x-forwarded-proto'];
      const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)
        ?.split(',', 1)[0]
        ?.trim()
        .toLowerCase();
      if (proto !== undefined && proto !== '') secure = proto === 'https';
    }
    return { address, secure };
  };
}
