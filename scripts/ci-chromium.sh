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
sh "$(dirname "$0")/ci-apt-install.sh" chromium chromium fonts-dejavu-core
test -x /usr/bin/chromium
