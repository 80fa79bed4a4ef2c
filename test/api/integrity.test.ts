import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createIntegrityVerifier, demoIntegrityKey, signIntegrity } from "../../src/api/integrity.ts";
import { nowSeconds } from "../support/clock.ts";

describe("ModI integrity: the demo system key of a commission", () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), "pachain-integrity-"))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("is created once when many first requests ask at once, so every signature made with it verifies", async () => {
    const registryDir = join(home, "registry");
    const verifier = createIntegrityVerifier({ registryDir, nowSeconds });
    // The fault suite's commissions sign their first submissions in parallel: two creations
    // left one's private key beside the other's public key, and every signature was refused.
    const keys = await Promise.all(Array.from({ length: 8 }, () => demoIntegrityKey(home, registryDir, 7)));
    expect(new Set(keys.map((k) => JSON.stringify(k.privateJwk)))).to.have.property("size", 1);
    for (const key of keys) {
      const body = JSON.stringify({ sourceId: "VERB-1" });
      await verifier.verify(7, await signIntegrity(body, key, nowSeconds()), Buffer.from(body));
    }
    // Later uses read the same key.
    expect(JSON.stringify((await demoIntegrityKey(home, registryDir, 7)).privateJwk)).to.equal(JSON.stringify(keys[0].privateJwk));
  });
});
