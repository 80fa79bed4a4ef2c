#!/bin/sh
# The date-sensitive suites again, with the whole system moved to other days (src/clock.ts): a year
# past the catalog's last one (amounts fall back to the latest year it has) and a 29 February.
# The chain, the simulators, the oracle, the read API and the tests all take "today" from
# PACHAIN_TODAY, so a test that reads the wall clock's date, or a date written into it, fails here.
#   sh scripts/test-clock.sh [YYYY-MM-DD ...]     (default: 2027-06-15 2028-02-29)
set -e
cd "$(dirname "$0")/.."
days=${*:-2027-06-15 2028-02-29}
suites=$(find test/simulators test/oracle test/api test/indexer test/node test/deploy test/properties test/notifier test/demo test/docs -name '*.test.ts' | sort)
for day in $days; do
  echo "== date-sensitive suites with PACHAIN_TODAY=$day"
  PACHAIN_TODAY=$day npx hardhat test mocha $suites
done
