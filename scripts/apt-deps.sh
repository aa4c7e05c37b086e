#!/usr/bin/env bash
# Installs Debian packages the demo or the tests need, only where missing.
#   demo: Pango for WeasyPrint (walk sheets, PDFs)
#   test: the above plus Chromium (browser tests) and PostgreSQL (the second test run)
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-demo}" = test ]; then
  want+=(chromium postgresql)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
