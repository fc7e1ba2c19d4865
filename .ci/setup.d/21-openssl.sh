# openssl makes a throwaway CA and signing certificate for the signed-profile tests and verifies
# the served CMS signatures (`openssl cms -verify`, `openssl smime -verify`).
apt_install openssl
