#!/bin/sh
# CI: Debian's PostgreSQL binaries for the indexer's PostgreSQL tests, installed when absent. The
# tests start a throwaway cluster of their own (src/node/throwaway-postgres.ts), so nothing is started
# here. Quiet: one line, and apt's output only if the install fails.
set -eu
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== postgresql: $(ls -d /usr/lib/postgresql/*/ | xargs -n1 basename | tr '\n' ' ')already installed"
  exit 0
fi
echo "== postgresql: installing Debian's package for the indexer tests"
sh "$(dirname "$0")/ci-apt-install.sh" postgresql postgresql
ls /usr/lib/postgresql/*/bin/initdb >/dev/null
