# The SQL source tests start throwaway database servers of their own (initdb + postgres,
# mariadb-install-db + mariadbd) in a temp directory on a free loopback port, as the database a
# hoster's control panel keeps its domains in: PostgreSQL 15 and MariaDB 10.11.
apt_install postgresql mariadb-server
# Debian starts the packaged clusters at install; the tests use none of them.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable --now postgresql mariadb >/dev/null 2>&1 || true
fi
