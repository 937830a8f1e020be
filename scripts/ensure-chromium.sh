#!/usr/bin/env bash
# Make sure Debian's headless Chromium is at /usr/bin/chromium for the browser tests
# (tests/test_reader_browser.py drives it with Playwright; Playwright cannot download
# its own browser here). Idempotent and quiet: does nothing when Chromium is there,
# installs it with apt-get when it is missing and we are root, and otherwise says why
# not and exits 0, so the test itself reports the skip.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $CHROMIUM is missing and apt-get cannot run here (not root or no apt);" \
        "the browser tests will be skipped" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Another apt-get may hold the dpkg lock (someone installing something): wait for it.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 -qq "$@" >>"$log" 2>&1; }
if ! apt_get update || ! apt_get install -y --no-install-recommends chromium fonts-dejavu-core; then
    cat "$log" >&2
    echo "ensure-chromium: apt-get could not install chromium; the browser tests will be skipped" >&2
    exit 0
fi
[ -x "$CHROMIUM" ] || echo "ensure-chromium: chromium installed but $CHROMIUM is missing" >&2
