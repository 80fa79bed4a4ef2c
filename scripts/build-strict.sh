#!/bin/sh
# Compiles the contracts from scratch and fails on any compiler warning: warnings are errors here.
set -e
out=$(hardhat build --force --no-tests 2>&1) || { echo "$out" >&2; exit 1; }
echo "$out"
if echo "$out" | grep -qi "warning"; then
  echo "build-strict: compiler warnings are errors in PA Chain; fix them." >&2
  exit 1
fi
