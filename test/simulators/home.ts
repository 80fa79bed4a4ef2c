// A throw-away PACHAIN_HOME for the simulator tests: a fake deployment (any chain id and address
// will do, nothing is sent to a chain), the demo consortium's ids, real key files, a pseudonym key.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TypedDataDomain, Wallet } from "ethers";
import { factDomain } from "../../src/chain/signing.ts";
import { DEMO_ORGANISATIONS, organisationKeys, type ConsortiumRecord } from "../../src/demo/consortium.ts";
import { resolveSecret } from "../../src/secrets.ts";

export const TEST_CHAIN_ID = 31337;
export const TEST_FACT_REGISTRY = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";

export interface TestHome {
  home: string;
  domain: TypedDataDomain;
  pseudonymKey: string;
  consortium: ConsortiumRecord;
  /** Addresses of a demo organisation's signing keys. */
  addresses(slug: string): string[];
  remove(): void;
}

export function createTestHome(): TestHome {
  const home = mkdtempSync(join(tmpdir(), "pachain-sim-"));
  const deployment = {
    chainId: TEST_CHAIN_ID,
    genesisHash: `0x${"00".repeat(32)}`,
    deploymentBlock: 1,
    addresses: {
      manager: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      organisations: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      facts: TEST_FACT_REGISTRY,
      catalog: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
      ledger: "0xDc64a140Aa3E981100a9becE4E685f962f0cF6F9",
    },
  };
  writeFileSync(join(home, "deployment.json"), JSON.stringify(deployment));
  // Ids deliberately not 1..n in list order, so a test would notice a slug/id mix-up.
  const consortium: ConsortiumRecord = {
    organisations: DEMO_ORGANISATIONS.map((o, i) => ({ slug: o.slug, orgId: 101 + i * 3, kind: o.kind, code: o.code, name: o.name, parent: o.parent })),
  };
  writeFileSync(join(home, "consortium.json"), JSON.stringify(consortium));
  const keys = new Map<string, Wallet[]>(DEMO_ORGANISATIONS.map((o) => [o.slug, organisationKeys(join(home, "keys"), o)]));
  return {
    home,
    domain: factDomain(TEST_CHAIN_ID, TEST_FACT_REGISTRY),
    pseudonymKey: resolveSecret(home, "pseudonym-key", undefined),
    consortium,
    addresses: (slug) => keys.get(slug)!.map((w) => w.address),
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}
