import QRCode from 'qrcode';

export const SVG_CONTENT_TYPE = 'image/svg+xml; charset=utf-8';

/**
 * A QR code of `text` as SVG. Error correction M survives a phone camera pointed at a screen; the
 * quiet zone is the four modules the standard asks for.
 */
export function renderQrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}
