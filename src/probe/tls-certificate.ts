import { judgeCertificate, type CertificateVerdict } from './certificate';
import { LineConnection, ProbeError, type TlsOptions } from './connection';
import type { Dialer } from './dialer';

/**
 * The certificate an https host presents, judged the way clients judge it (one TLS handshake,
 * nothing sent). Thunderbird silently treats a refused certificate as "no config here".
 */
export async function httpsCertificate(
  host: string,
  port: number,
  options: { dialer: Dialer; tls: TlsOptions; timeoutMs: number; now: Date },
): Promise<{ ok: true; verdict: CertificateVerdict } | { ok: false; error: string }> {
  let connection: LineConnection | undefined;
  try {
    const dial = await options.dialer.dial(host, port);
    connection = await LineConnection.open(dial, 'tls', options.tls, options.timeoutMs);
    if (!connection.tls) return { ok: false, error: 'no TLS session' };
    return { ok: true, verdict: judgeCertificate(host, connection.tls, options.now) };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof ProbeError || error instanceof Error ? error.message : String(error),
    };
  } finally {
    connection?.close();
  }
}
