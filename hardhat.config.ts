import { createRequire } from "node:module";
import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";
import { chainStartDate } from "./src/clock.ts";

const require = createRequire(import.meta.url);

// Simulated chains start on the system's "today" (PACHAIN_TODAY moves it, see src/clock.ts).
const initialDate = chainStartDate();

// The compiler comes from the `solc` npm package: these machines cannot download one.
const SOLC_VERSION = "0.8.30";
const compiler = {
  version: SOLC_VERSION,
  path: require.resolve("solc/soljson.js"),
  settings: {
    optimizer: { enabled: true, runs: 1000 },
    evmVersion: "cancun",
    viaIR: true,
  },
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  solidity: {
    profiles: {
      default: compiler,
      production: compiler,
    },
  },
  paths: {
    tests: { mocha: "test", solidity: "test/contracts" },
  },
  test: {
    solidity: { fuzz: { runs: 256 } },
    mocha: { timeout: 120_000 },
  },
  networks: {
    // In-process chain for tests and the conformance command.
    default: { type: "edr-simulated", chainType: "l1", allowUnlimitedContractSize: false, ...initialDate },
    // The embedded node of `npm start` and the tests (`hardhat node` runs the network named "node").
    node: { type: "edr-simulated", chainType: "l1", ...initialDate },
    // A JSON-RPC node: the embedded `hardhat node` of `npm start`, or a Besu QBFT consortium node.
    // src/chain/deploy.ts overrides url and accounts from src/config.ts.
    consortium: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545", accounts: [] },
  },
});
