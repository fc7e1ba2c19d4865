# test/process/self-contained.test.ts lists the checkout's files with `git ls-files` to copy the
# repository somewhere with nothing beside it (a minimal Debian has no git).
apt_install git
