#!/bin/sh
# CI: Debian's PostgreSQL binaries for the indexer's PostgreSQL tests, installed when absent. The
# tests start a throwaway cluster of their own (test/support/postgres.ts), so nothing is started
# here. Quiet: one line, and apt's output only if the install fails.
set -eu
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== postgresql: $(ls -d /usr/lib/postgresql/*/ | xargs -n1 basename | tr '\n' ' ')already installed"
  exit 0
fi
echo "== postgresql: installing Debian's package for the indexer tests"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
log=$(mktemp)
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "== postgresql: install failed" >&2
  exit 1
fi
rm -f "$log"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null
