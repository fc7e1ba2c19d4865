# test/e2e/deltachat.test.ts drives Delta Chat's core (its official JSON-RPC server binary, shipped
# per platform in npm packages) as a real mail client. It is installed here rather than listed in
# package.json: the wrapper package @deltachat/stdio-rpc-server names platform packages that the
# registry does not have, and `npm ci` refuses a lock file without them.
DELTACHAT_VERSION=2.57.0
DELTACHAT_DIR=${DELTACHAT_DIR:-/usr/local/lib/mail-autoconf-test/deltachat}
case "$(uname -m)" in
  x86_64) dc_platform=linux-x64 ;;
  aarch64) dc_platform=linux-arm64 ;;
  *) dc_platform= ;;
esac
if [ -n "$dc_platform" ]; then
  dc_binary="$DELTACHAT_DIR/node_modules/@deltachat/stdio-rpc-server-$dc_platform/deltachat-rpc-server"
  if [ ! -x "$dc_binary" ]; then
    npm install --no-save --no-audit --no-fund --prefix "$DELTACHAT_DIR" \
      "@deltachat/stdio-rpc-server-$dc_platform@$DELTACHAT_VERSION"
  fi
  ln -sf "$dc_binary" /usr/local/bin/deltachat-rpc-server
else
  echo "setup: no Delta Chat core binary for $(uname -m): test/e2e/deltachat.test.ts will fail" >&2
fi
