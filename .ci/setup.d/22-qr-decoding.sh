# The QR code test renders the served SVG to pixels (rsvg-convert) and decodes it with an
# independent reader (zbarimg), as a phone camera would.
apt_install librsvg2-bin zbar-tools
