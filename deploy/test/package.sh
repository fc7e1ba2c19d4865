#!/usr/bin/env bash
# What `npm install mail-autoconf` and `npx mail-autoconf` users get: packs the package, installs
# the tarball in an empty directory, and runs the CLI from there (`validate` on the bundled example,
# `serve` and one request).
set -euo pipefail
cd "$(dirname "$0")/../.."

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== package: npm pack"
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
echo "   $tarball, $(du -h "$work/$tarball" | cut -f1)"
if tar -tzf "$work/$tarball" | grep -E '^package/(test|src|deploy|dist/test)/' >/dev/null; then
  echo "package.sh: the tarball holds sources or tests:" >&2
  tar -tzf "$work/$tarball" | grep -E '^package/(test|src|deploy|dist/test)/' | head >&2
  exit 1
fi

echo "== package: install the tarball in an empty directory"
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --omit=dev "../$tarball" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }

echo "== package: npx mail-autoconf validate (bundled example)"
out="$(npx --no-install mail-autoconf validate node_modules/mail-autoconf/config)"
echo "   $out"
case "$out" in OK:*) ;; *) echo "package.sh: validate did not say OK" >&2; exit 1 ;; esac

port="${PACKAGE_TEST_PORT:-$((20000 + RANDOM % 20000))}"
echo "== package: mail-autoconf serve (the installed bin) on 127.0.0.1:$port, one request"
# Run from an empty directory with no ./config: the bundled example is served.
PORT="$port" HOST=127.0.0.1 node_modules/.bin/mail-autoconf serve >"$work/serve.log" &
server_pid=$!
node -e '
  const url = `http://127.0.0.1:${process.argv[1]}/mail/config-v1.1.xml?emailaddress=bob%40example.net`;
  const deadline = Date.now() + 15000;
  const attempt = () => fetch(url).then(async (res) => {
    const body = await res.text();
    if (res.status !== 200 || !body.includes("<emailProvider id=\"example.net\">")) {
      console.error(`package.sh: unexpected answer ${res.status}`);
      process.exit(1);
    }
    console.log(`   GET /mail/config-v1.1.xml -> ${res.status}, ${body.length} bytes`);
  }, () => (Date.now() > deadline ? (console.error("package.sh: server did not answer"), process.exit(1)) : setTimeout(attempt, 200)));
  attempt();
' "$port" || { cat "$work/serve.log" >&2; exit 1; }
kill -TERM "$server_pid"
wait "$server_pid" || { echo "package.sh: serve did not exit cleanly on SIGTERM" >&2; exit 1; }
server_pid=""
echo "== package: OK"
