#!/bin/sh
# Makes sure the project's dependencies are installed under Node 22 before anything runs.
# Hardhat 3 needs Node >= 22; this machine's Node may be older. The npm package `node@22`
# (a dev dependency) brings Node 22, and npm scripts put it first on PATH. The very first
# install must itself run under Node 22, or npm skips Hardhat's native EDR package.
set -e
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ -x node_modules/node/bin/node ] && [ -d node_modules/@nomicfoundation/edr ] \
   && [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ]; then
  exit 0
fi
echo "pa-chain: installing dependencies under Node 22 (first run only)..." >&2
npx -y -p node@22 npm ci --no-audit --no-fund >&2
