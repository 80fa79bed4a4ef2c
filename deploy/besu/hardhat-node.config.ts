// A Hardhat node set up like the consortium's Besu QBFT network, for the production-path test
// (test/deploy/production.e2e.test.ts) and for rehearsing the deploy:* commands on one machine:
//   hardhat --config deploy/besu/hardhat-node.config.ts node --network besu --chain-id ID
// Free gas (base fee 0 for ever, like Besu's zeroBaseFee), the genesis' block gas limit and
// hardfork, and blocks mined on a timer rather than per transaction, as QBFT does. The chain id
// comes from the generated genesis (--chain-id).
import { fileURLToPath } from "node:url";
import { defineConfig } from "hardhat/config";
import { chainStartDate } from "../../src/clock.ts";
import { BLOCK_GAS_LIMIT } from "../../src/production/besu.ts";

/** Faster than QBFT's 1 s minimum so the test stays short; clients still wait for a block. */
const BLOCK_INTERVAL_MS = 200;

export default defineConfig({
  // The project's artifacts, not a folder beside this file (the node watches their build info).
  paths: {
    artifacts: fileURLToPath(new URL("../../artifacts", import.meta.url)),
    cache: fileURLToPath(new URL("../../cache", import.meta.url)),
  },
  networks: {
    besu: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "cancun",
      initialBaseFeePerGas: 0,
      blockGasLimit: BLOCK_GAS_LIMIT,
      allowUnlimitedContractSize: false,
      mining: { auto: false, interval: BLOCK_INTERVAL_MS },
      // Several 200 ms blocks fall in the same second.
      allowBlocksWithSameTimestamp: true,
      // On the system's "today" (PACHAIN_TODAY moves it, see src/clock.ts).
      ...chainStartDate(),
    },
  },
});
