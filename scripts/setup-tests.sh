#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine: the package with its test
# extras, and Debian's Chromium for the browser tests (Playwright drives it; it never
# downloads a browser of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
  else
    echo "note: Debian's chromium is not installed; browser tests will be skipped (sudo apt-get install chromium)" >&2
  fi
fi
