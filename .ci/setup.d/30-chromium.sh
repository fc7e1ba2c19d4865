# The settings page end-to-end test drives Debian's chromium through playwright-core
# (Playwright's own browser download needs the internet, which CI does not have).
apt_install chromium
