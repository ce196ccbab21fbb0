#!/usr/bin/env bash
# Install the system packages the test suite drives for real: PostgreSQL, Chromium,
# GNU gettext (msgfmt checks and compiles the translation catalogues), npm
# (scripts/axe-core.sh fetches the accessibility checker from the npm registry) and nginx
# (serves the results snapshot with deploy/nginx/psephos-snapshot.conf).
# Installs only what is missing; needs root (or sudo) for apt.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v npm >/dev/null 2>&1 || need+=(npm)  # fetches axe-core for the browser tests
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "Missing system packages: ${need[*]}. Install them with apt-get (as root) and run again." >&2
        exit 1
    fi
fi
echo "Installing system packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a default cluster on install; the tests use their own throw-away one.
