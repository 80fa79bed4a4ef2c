#!/bin/sh
# The browser tests (test/browser): Debian's Chromium driven by playwright-core against the read
# API over a real node, index and oracle; screenshots into test-results/screenshots/. Never
# downloads a browser: Chromium comes from Debian (`apt-get install chromium`, done by .ci/run).
set -eu
cd "$(dirname "$0")/.."
CHROMIUM="${PACHAIN_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "test:browser: no Chromium at $CHROMIUM; install Debian's package: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi
sh scripts/bootstrap.sh
PATH="$PWD/node_modules/.bin:$PATH"
hardhat build --no-tests --quiet
mkdir -p test-results/screenshots
PACHAIN_BROWSER_TESTS=1 PACHAIN_CHROMIUM="$CHROMIUM" exec hardhat test mocha --no-compile test/browser/pages.test.ts test/browser/claim.test.ts test/browser/patronati.test.ts
