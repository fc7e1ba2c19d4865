# openssl makes a throw-away self-signed certificate for the test that runs `mail-autoconf check`
# against the app over https (with and without --insecure).
apt_install openssl
