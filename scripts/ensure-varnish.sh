#!/usr/bin/env bash
# Varnish 7 and Debian's varnish-modules (the xkey vmod), installed with apt-get when missing.
set -euo pipefail
vmod_dir="$(dirname "$(dpkg -L varnish 2>/dev/null | grep -m1 '/vmods/libvmod_std.so$' || echo /nonexistent/x)")"
if command -v varnishd >/dev/null && [ -e "$vmod_dir/libvmod_xkey.so" ]; then
    exit 0
fi
sudo=$([ "$(id -u)" = 0 ] || echo sudo)
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends varnish varnish-modules
