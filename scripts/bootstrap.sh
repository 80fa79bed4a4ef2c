#!/bin/sh
# Makes sure the project's dependencies are installed under Node 22 before anything runs.
# Hardhat 3 needs Node >= 22; this machine's Node may be older. The npm package `node@22`
# (a dev dependency) brings Node 22, and npm scripts put it first on PATH. The very first
# install must itself run under Node 22, or npm skips Hardhat's native EDR package.
# `npm install` rather than `npm ci`: the registry here lacks some other platforms' optional EDR
# binaries, which `npm ci` insists on finding in the lock file; `npm install` keeps every locked
# version and skips what this platform does not need.
set -e
cd "$(dirname "$0")/.."
stamp=node_modules/.pachain-installed
fingerprint=$(cat package.json package-lock.json | cksum)
if [ -x node_modules/node/bin/node ] && [ -d node_modules/@nomicfoundation/edr ] \
   && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
  exit 0
fi
echo "pa-chain: installing dependencies under Node 22 (first run only)..." >&2
npx -y -p node@22 npm install --no-audit --no-fund >&2
# Hardhat's native engine must be there, or every command fails later with HHE27.
ls -d node_modules/@nomicfoundation/edr-linux-* node_modules/@nomicfoundation/edr-darwin-* 2>/dev/null | grep -q . || {
  echo "pa-chain: Hardhat's native EDR package is missing after install" >&2
  exit 1
}
cat package.json package-lock.json | cksum > "$stamp"
