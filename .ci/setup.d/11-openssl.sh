# openssl makes throwaway certificates: a self-signed one for the test that runs `mail-autoconf
# check` against the app over https (with and without --insecure), and a CA plus signing
# certificate for the signed-profile tests, whose CMS signatures it then verifies
# (`openssl cms -verify`, `openssl smime -verify`).
apt_install openssl
