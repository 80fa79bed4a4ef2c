#!/bin/sh
# CI: Debian's Chromium for the browser tests (npm run test:browser), installed when absent.
# Never a browser download: playwright-core drives this system package. Quiet: one line, and
# apt's output only if the install fails.
set -eu
if [ -x /usr/bin/chromium ]; then
  echo "== chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present) already installed"
  exit 0
fi
echo "== chromium: installing Debian's package for the browser tests"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
log=$(mktemp)
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "== chromium: install failed" >&2
  exit 1
fi
rm -f "$log"
test -x /usr/bin/chromium
