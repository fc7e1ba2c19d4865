# deploy/ is checked with the real tools: nginx -t, caddy (validate, and a live run on loopback
# with its internal CA), systemd-analyze verify/security, and
# buildah + debootstrap to build and run the container image (deploy/test/image.sh).
apt_install nginx caddy systemd buildah debootstrap
# `kubectl kustomize` builds the Kubernetes manifests. Debian's kubectl (1.20) is too old for the
# kustomize v5 syntax used there, so the kubectl of this machine image is used.
if ! kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5'; then
  echo "setup: kubectl with kustomize v5 (Kubernetes >= 1.27) is missing: test/deploy/kubernetes.test.ts will fail" >&2
fi
