# deploy/ is checked with the real tools: nginx -t, caddy (validate, and a live run on loopback
# with its internal CA), systemd-analyze verify/security, and
# buildah + debootstrap to build and run the container image (deploy/test/image.sh).
apt_install nginx caddy systemd buildah debootstrap
