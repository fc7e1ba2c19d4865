import { createHash, createPrivateKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * Signs Apple configuration profiles (protocols.md §4.4): CMS SignedData, DER, the plist embedded,
 * the certificate chain included. pkijs builds the ASN.1 structures; the signature itself comes from
 * node:crypto, which is native, synchronous and handles both RSA and EC keys (a TLS certificate from
 * a public CA, the usual signer, is often EC).
 */

export interface ProfileSigner {
  /** Subject of the signing certificate, for messages. */
  readonly subject: string;
  readonly validTo: Date;
  /** The DER CMS SignedData blob that carries `content`. */
  sign(content: Buffer, now: Date): Buffer;
}

export interface SigningPem {
  /** The signing certificate, optionally followed by intermediates (a fullchain file). */
  readonly certificate: string;
  readonly key: string;
  readonly chain?: string;
}

export type SignerResult =
  | { ok: true; signer: ProfileSigner; warnings: string[] }
  | { ok: false; field: 'certificate' | 'key' | 'chain'; reason: string };

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function parseCertificates(pem: string): X509Certificate[] | string {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return 'no PEM certificate (-----BEGIN CERTIFICATE-----) found';
  const certificates: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      return `certificate ${index + 1} in the file cannot be parsed`;
    }
  }
  return certificates;
}

function signatureAlgorithm(key: KeyObject): pkijs.AlgorithmIdentifier | string {
  if (key.asymmetricKeyType === 'rsa') {
    // What `openssl cms -sign` writes, so every verifier that accepts openssl's profiles accepts ours.
    return new pkijs.AlgorithmIdentifier({
      algorithmId: OID.rsaEncryption,
      algorithmParams: new asn1js.Null(),
    });
  }
  if (key.asymmetricKeyType === 'ec')
    return new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
  return `a ${key.asymmetricKeyType ?? 'unknown'} key cannot sign profiles; use an RSA or EC key`;
}

function toPkijs(certificate: X509Certificate): pkijs.Certificate {
  return pkijs.Certificate.fromBER(certificate.raw);
}

export function createProfileSigner(pem: SigningPem, now: Date): SignerResult {
  const certificates = parseCertificates(pem.certificate);
  if (typeof certificates === 'string') return { ok: false, field: 'certificate', reason: certificates };
  const chain = pem.chain === undefined ? [] : parseCertificates(pem.chain);
  if (typeof chain === 'string') return { ok: false, field: 'chain', reason: chain };
  const leaf = certificates[0] as X509Certificate;

  // OpenSSL's error for an encrypted key without passphrase varies by version; the PEM says it plainly.
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem.key)) {
    return { ok: false, field: 'key', reason: 'the private key is encrypted; give an unencrypted PEM key' };
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem.key);
  } catch {
    return { ok: false, field: 'key', reason: 'no readable PEM private key found' };
  }
  const algorithm = signatureAlgorithm(key);
  if (typeof algorithm === 'string') return { ok: false, field: 'key', reason: algorithm };
  if (!leaf.checkPrivateKey(key)) {
    return { ok: false, field: 'key', reason: `the key does not belong to the certificate ${leaf.subject}` };
  }

  const warnings: string[] = [];
  const validFrom = new Date(leaf.validFrom);
  const validTo = new Date(leaf.validTo);
  if (validTo < now) warnings.push(`the signing certificate expired on ${validTo.toISOString()}`);
  if (validFrom > now)
    warnings.push(`the signing certificate is not valid before ${validFrom.toISOString()}`);

  const included = [...certificates, ...chain].map(toPkijs);
  const signerCertificate = included[0] as pkijs.Certificate;
  const subject = leaf.subject.replace(/\n/g, ', ');

  return {
    ok: true,
    warnings,
    signer: {
      subject,
      validTo,
      sign(content: Buffer, signingTime: Date): Buffer {
        const digest = createHash('sha256').update(content).digest();
        const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: OID.contentType,
              values: [new asn1js.ObjectIdentifier({ value: OID.data })],
            }),
            new pkijs.Attribute({
              type: OID.signingTime,
              values: [new asn1js.UTCTime({ valueDate: signingTime })],
            }),
            new pkijs.Attribute({
              type: OID.messageDigest,
              values: [new asn1js.OctetString({ valueHex: digest })],
            }),
          ],
        });
        // The signature covers the attributes encoded as a SET (RFC 5652 §5.4), not as the [0] field.
        const toSign = Buffer.from(signedAttrs.toSchema().toBER());
        toSign[0] = 0x31;
        const signerInfo = new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({
            issuer: signerCertificate.issuer,
            serialNumber: signerCertificate.serialNumber,
          }),
          digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
          signedAttrs,
          signatureAlgorithm: algorithm,
          signature: new asn1js.OctetString({ valueHex: sign('sha256', toSign, key) }),
        });
        const signedData = new pkijs.SignedData({
          version: 1,
          digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
          encapContentInfo: new pkijs.EncapsulatedContentInfo({
            eContentType: OID.data,
            eContent: new asn1js.OctetString({ valueHex: content }),
          }),
          certificates: included,
          signerInfos: [signerInfo],
        });
        const contentInfo = new pkijs.ContentInfo({
          contentType: OID.signedData,
          content: signedData.toSchema(true),
        });
        return Buffer.from(contentInfo.toSchema().toBER());
      },
    },
  };
}
