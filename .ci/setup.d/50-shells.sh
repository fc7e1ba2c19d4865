# `mail-autoconf completion zsh|fish` is tested by loading the scripts in the real shells and
# asking them for completions (bash is already there).
apt_install zsh fish
