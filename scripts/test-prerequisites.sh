#!/usr/bin/env bash
# `npm test` runs this first (the `pretest` script): it provides the Debian packages the suite drives,
# so the README's two commands (`npm ci`, `npm test`) work on a fresh machine with no other step.
#   chromium          the HTML report and history page tests (playwright-core drives it headless)
#   python3-botocore  AWS's own service models (botocore/data/*/service-2.json), which the request and
#                     answer shape checks read; only its JSON files are used, never Python
# A package already present is left alone; CHROMIUM_PATH / BOTOCORE_DATA point at copies elsewhere.
set -euo pipefail

missing=()
chromium_found=""
for bin in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/lib/chromium/chromium; do
  if [ -n "$bin" ] && [ -x "$bin" ]; then chromium_found=1; break; fi
done
[ -n "$chromium_found" ] || missing+=(chromium)

botocore_found=""
for dir in "${BOTOCORE_DATA:-}" /usr/lib/python3/dist-packages/botocore/data; do
  if [ -n "$dir" ] && [ -d "$dir/ssm" ]; then botocore_found=1; break; fi
done
[ -n "$botocore_found" ] || missing+=(python3-botocore)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "test-prerequisites: missing Debian packages: ${missing[*]}." >&2
  echo "test-prerequisites: this machine cannot install them itself (needs root and apt-get)." >&2
  echo "test-prerequisites: install them (sudo apt-get install -y ${missing[*]})," >&2
  echo "test-prerequisites: or point CHROMIUM_PATH at a Chromium and BOTOCORE_DATA at botocore/data." >&2
  exit 1
fi
echo "test-prerequisites: installing Debian packages: ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "test-prerequisites: installed ${missing[*]}."
