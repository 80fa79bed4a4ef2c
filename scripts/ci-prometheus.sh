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
sh "$(dirname "$0")/ci-apt-install.sh" promtool prometheus
# The package starts a Prometheus server where systemd runs; the tests need only the binary.
command -v promtool >/dev/null
