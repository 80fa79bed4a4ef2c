#!/bin/sh
# CI: Debian's Prometheus package for promtool, installed when absent. The tests run
# `promtool check metrics` on every /metrics endpoint, `promtool check config/rules` on the
# deployment kit and `promtool test rules` on its alert rules; nothing is started here. Quiet: one
# line, and apt's output only if the install fails.
set -eu
if command -v promtool >/dev/null 2>&1; then
  echo "== promtool: $(promtool --version 2>&1 | head -1) already installed"
  exit 0
fi
echo "== promtool: installing Debian's prometheus package for the metrics and alert-rule tests"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
log=$(mktemp)
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "== promtool: install failed" >&2
  exit 1
fi
rm -f "$log"
# The package starts a Prometheus server where systemd runs; the tests need only the binary.
command -v promtool >/dev/null
