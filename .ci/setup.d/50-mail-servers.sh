# test/e2e starts throwaway Dovecot instances (IMAP, POP3 and submission) on free loopback ports:
# `init` and `check` probe them, and the Delta Chat end-to-end test logs in to them.
apt_install dovecot-core dovecot-imapd dovecot-pop3d dovecot-submissiond
# The Debian package starts a system-wide Dovecot on the standard ports; the tests never use it,
# and on a fresh CI machine it only takes ports and memory.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  systemctl stop dovecot || true
fi
