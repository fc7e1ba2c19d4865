#!/usr/bin/env bash
# Builds deploy/Dockerfile with buildah and runs the result: `validate` on the bundled config and
# one real request to `serve`, as the image's own non-root user, then the same request with the
# image's root filesystem mounted read-only.
#
# Base images cannot be pulled here, so BASE_IMAGE is a local stand-in for node:20-bookworm-slim:
# a Debian rootfs from debootstrap plus this machine's node and npm (and its CA bundle, so npm in
# the build stage reaches the registry as the host does). It is built once and kept in buildah's
# storage, keyed by the Node version.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in buildah debootstrap node npm unshare chroot; do
  if ! command -v "$tool" >/dev/null; then
    echo "image.sh: $tool is missing (installed by .ci/setup.d/40-deploy-tools.sh)" >&2
    exit 1
  fi
done

BUILDAH=(buildah --storage-driver=vfs)
NODE_VERSION="$(node --version)"
BASE="localhost/mail-autoconf-ci-base:${NODE_VERSION}"
IMAGE="localhost/mail-autoconf:ci-$$"
PORT="${IMAGE_TEST_PORT:-$((20000 + RANDOM % 20000))}"
work="$(mktemp -d)"
ctr=""
cleanup() {
  [ -n "$ctr" ] && "${BUILDAH[@]}" rm "$ctr" >/dev/null 2>&1 || true
  "${BUILDAH[@]}" rmi "$IMAGE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A machine where buildah cannot work at all (no user namespaces, no storage) cannot build images;
# say so plainly instead of failing somewhere in the build. Any later failure is a real one.
if ! "${BUILDAH[@]}" info >/dev/null 2>"$work/info.err"; then
  echo "== image: SKIPPED: buildah cannot run on this machine:" >&2
  cat "$work/info.err" >&2
  exit 0
fi

started=$SECONDS
if ! "${BUILDAH[@]}" inspect --type image "$BASE" >/dev/null 2>&1; then
  echo "== image: making the local base $BASE (debootstrap bookworm + node $NODE_VERSION)"
  rootfs="$work/rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  node_bin="$(command -v node)"
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  base_ctr="$("${BUILDAH[@]}" from scratch)"
  "${BUILDAH[@]}" copy "$base_ctr" "$rootfs" / >/dev/null
  "${BUILDAH[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --cmd node "$base_ctr"
  "${BUILDAH[@]}" commit --quiet "$base_ctr" "$BASE" >/dev/null
  "${BUILDAH[@]}" rm "$base_ctr" >/dev/null
  echo "   base ready after $((SECONDS - started)) s"
fi

echo "== image: buildah bud deploy/Dockerfile (BASE_IMAGE=$BASE)"
build_started=$SECONDS
"${BUILDAH[@]}" bud --isolation=chroot --format docker --layers=false \
  --build-arg "BASE_IMAGE=$BASE" -f deploy/Dockerfile -t "$IMAGE" . >"$work/build.log" 2>&1 \
  || { tail -40 "$work/build.log" >&2; exit 1; }
echo "   built in $((SECONDS - build_started)) s, $("${BUILDAH[@]}" images --format '{{.Size}}' "$IMAGE")"

config="$("${BUILDAH[@]}" inspect --type image "$IMAGE")"
node -e '
  const c = JSON.parse(process.argv[1]).Docker.config;
  const want = (ok, what) => { if (!ok) { console.error("image.sh: image config: " + what); process.exit(1); } };
  want(c.User === "10001:10001", "runs as 10001:10001, not root (got " + c.User + ")");
  want(c.StopSignal === "SIGTERM", "STOPSIGNAL SIGTERM");
  want(c.Healthcheck && c.Healthcheck.Test.join(" ").includes("/healthz"), "HEALTHCHECK on /healthz");
  want(c.Env.includes("MAIL_AUTOCONF_CONFIG=/etc/mail-autoconf"), "config at /etc/mail-autoconf");
' "$config"

ctr="$("${BUILDAH[@]}" from "$IMAGE")"
inside() { "${BUILDAH[@]}" run --isolation=chroot "$ctr" -- "$@"; }

echo "== image: uid inside, no dev dependencies, validate the bundled config"
uid="$(inside id -u)"
[ "$uid" = 10001 ] || { echo "image.sh: runs as uid $uid, expected 10001" >&2; exit 1; }
if inside test -e /opt/mail-autoconf/node_modules/typescript 2>/dev/null; then
  echo "image.sh: dev dependencies (typescript) found in the runtime image" >&2
  exit 1
fi
validate_out="$(inside node /opt/mail-autoconf/dist/src/bin/cli.js validate /etc/mail-autoconf)"
echo "   $validate_out"
case "$validate_out" in OK:*) ;; *) echo "image.sh: validate did not say OK" >&2; exit 1 ;; esac

# Starts `serve` (PORT and HOST from the environment), checks one autoconfig answer, stops it
# with SIGTERM and expects a clean exit.
SERVE_AND_ASK='
  const { spawn } = require("node:child_process");
  const server = spawn("node", ["/opt/mail-autoconf/dist/src/bin/cli.js", "serve"], { stdio: ["ignore", "pipe", "inherit"] });
  let log = "";
  server.stdout.on("data", (d) => (log += d));
  const fail = (why) => { console.error("image.sh: " + why + "\n" + log); server.kill("SIGKILL"); process.exit(1); };
  const url = "http://127.0.0.1:" + process.env.PORT + "/mail/config-v1.1.xml?emailaddress=alice%40example.com";
  const deadline = Date.now() + 15000;
  const attempt = () => fetch(url).then(async (res) => {
    const body = await res.text();
    if (res.status !== 200 || !body.includes("<emailProvider id=\"example.com\">")) fail("unexpected answer " + res.status);
    console.log("   GET /mail/config-v1.1.xml -> " + res.status + ", " + body.length + " bytes");
    server.once("exit", (code, signal) => {
      if (code !== 0) fail("serve exited with " + (code ?? signal) + " after SIGTERM");
      console.log("   stopped cleanly on SIGTERM");
    });
    server.kill("SIGTERM");
  }, () => (Date.now() > deadline ? fail("server did not answer") : setTimeout(attempt, 200)));
  attempt();
'

echo "== image: serve on 127.0.0.1:$PORT inside, one autoconfig request, SIGTERM"
inside env PORT="$PORT" HOST=127.0.0.1 node -e "$SERVE_AND_ASK"

# buildah run has no read-only mode, so the image's root is bind-mounted read-only in a private
# mount namespace and entered with chroot as the image's user, as `docker run --read-only` would.
echo "== image: the same with the root filesystem read-only"
mnt="$("${BUILDAH[@]}" mount "$ctr")"
unshare --mount --fork env MNT="$mnt" PORT="$((PORT + 1))" HOST=127.0.0.1 SCRIPT="$SERVE_AND_ASK" sh -euc '
  mount --bind "$MNT" "$MNT"
  mount -o remount,bind,ro "$MNT"
  mount -t proc proc "$MNT/proc"
  mount --bind /dev "$MNT/dev"
  if chroot "$MNT" /bin/sh -c "touch /probe" 2>/dev/null; then echo "image.sh: root is writable" >&2; exit 1; fi
  exec chroot --userspec=10001:10001 "$MNT" env -i PATH=/usr/local/bin:/usr/bin:/bin PORT="$PORT" HOST="$HOST" \
    NODE_ENV=production MAIL_AUTOCONF_CONFIG=/etc/mail-autoconf node -e "$SCRIPT"
'
"${BUILDAH[@]}" umount "$ctr" >/dev/null
echo "== image: OK in $((SECONDS - started)) s"
