#!/usr/bin/env bash
# nginx, the production server's front (api/front.py), installed with apt-get when missing.
set -euo pipefail
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
    exit 0
fi
sudo=$([ "$(id -u)" = 0 ] || echo sudo)
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends nginx-light
