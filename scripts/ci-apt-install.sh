#!/bin/sh
# CI: installs Debian packages quietly — nothing on success, apt's output only if the install
# fails. Shared by scripts/ci-postgres.sh, ci-prometheus.sh and ci-chromium.sh.
# usage: sh scripts/ci-apt-install.sh LABEL PACKAGE...
set -eu
label=$1
shift
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
log=$(mktemp)
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "== $label: install failed" >&2
  exit 1
fi
rm -f "$log"
