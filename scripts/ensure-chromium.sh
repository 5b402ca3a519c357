#!/usr/bin/env bash
# Installs Debian's Chromium for the HTML report tests when it is missing (needs root and apt).
# Playwright's own browser download cannot work offline, so the tests drive this one.
set -euo pipefail
for bin in /usr/bin/chromium /usr/lib/chromium/chromium; do
  if [ -x "$bin" ]; then exit 0; fi
done
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "ensure-chromium: Chromium is missing and cannot be installed here (need root + apt-get)." >&2
  echo "ensure-chromium: install Debian's 'chromium' package, or set CHROMIUM_PATH." >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium package..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
