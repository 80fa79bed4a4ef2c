// The production path refuses Hardhat's public development accounts anywhere they would hold power
// (a deploy key, an oracle's role, an organisation's signing key), and puts ADMIN behind an
// AccessManager execution delay once the consortium is applied: a role grant is then scheduled,
// visible on chain, and executes only after the delay. On an in-process Hardhat network.
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { HDNodeWallet, Mnemonic, Wallet } from "ethers";
import { network } from "hardhat";
import PAChainModule from "../../ignition/modules/PAChain.ts";
import { addressesOf, attachContracts } from "../../src/chain/contracts.ts";
import { ROLE } from "../../src/chain/roles.ts";
import { ValidationError } from "../../src/errors.ts";
import { createLogger } from "../../src/logger.ts";
import { applyConsortium, ensureAdminDelay, parseConsortiumFile, resolveKey } from "../../src/production/deploy.ts";

const { ethers, ignition, networkHelpers } = await network.create();
const devAccount = (i: number) => HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase("test test test test test test test test test test test junk"), `m/44'/60'/0'/0/${i}`);
const logger = createLogger("silent");

async function refusal(work: () => Promise<unknown> | unknown): Promise<ValidationError> {
  try {
    await work();
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("not refused");
}

describe("production path: no development key holds power, ADMIN acts after a delay", function () {
  const dir = mkdtempSync(join(tmpdir(), "pachain-devkeys-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const consortium = (oracleAccount: string, signers: string[] = []) => {
    const file = join(dir, `consortium-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({
      organisations: [{ slug: "inps", kind: "INPS", code: 1, name: "INPS", signers }],
      oracles: [{ organisation: "inps", account: oracleAccount, roles: ["INPS_PAYER"] }],
    }));
    return file;
  };

  it("refuses any of Hardhat's 20 default accounts as a deploy key, an oracle's account or a signing key", async function () {
    for (const i of [0, 5, 10, 19]) {
      const dev = devAccount(i);
      expect((await refusal(() => resolveKey("PACHAIN_DEPLOYER_KEY", { PACHAIN_DEPLOYER_KEY: dev.privateKey }))).message).to.contain("public development keys");
      expect((await refusal(() => parseConsortiumFile(consortium(dev.address)))).field).to.equal("oracles.0.account");
      expect((await refusal(() => parseConsortiumFile(consortium(Wallet.createRandom().address, [dev.address.toLowerCase()])))).field).to.equal("organisations.0.signers.0");
    }
    // An organisation's own keys pass.
    const own = Wallet.createRandom();
    expect(await resolveKey("PACHAIN_DEPLOYER_KEY", { PACHAIN_DEPLOYER_KEY: own.privateKey })).to.equal(own.privateKey);
    expect(parseConsortiumFile(consortium(own.address, [Wallet.createRandom().address])).oracles).to.have.length(1);
  });

  it("schedules a role grant once ADMIN has a delay, and executes it only after the delay", async function () {
    const deploy = async () => {
      const [admin] = await ethers.getSigners();
      return attachContracts(await addressesOf(await ignition.deploy(PAChainModule)), admin);
    };
    const contracts = await networkHelpers.loadFixture(deploy);
    const admin = await (await ethers.getSigners())[0].getAddress();
    const delay = 3600;
    expect(await ensureAdminDelay(contracts, delay, logger)).to.equal(1);
    expect(await ensureAdminDelay(contracts, delay, logger), "re-run: nothing to do").to.equal(0);
    const [member, executionDelay] = await contracts.manager.hasRole(ROLE.ADMIN, admin);
    expect([member, Number(executionDelay)]).to.deep.equal([true, delay]);

    const payer = Wallet.createRandom().address;
    // ADMIN can no longer grant at once.
    await expect(contracts.manager.grantRole(ROLE.INPS_PAYER, payer, 0)).to.be.revertedWithCustomError(contracts.manager, "AccessManagerNotScheduled");

    const spec = { organisations: [], oracles: [{ organisation: "inps", account: payer, roles: ["INPS_PAYER" as const] }] };
    const first = await applyConsortium(contracts, spec, { organisations: [] }, logger);
    expect([first.scheduled, first.pending, first.transactions]).to.deep.equal([1, 0, 1]);
    expect((await contracts.manager.hasRole(ROLE.INPS_PAYER, payer))[0]).to.equal(false);
    const early = await applyConsortium(contracts, spec, { organisations: [] }, logger);
    expect([early.scheduled, early.pending, early.transactions]).to.deep.equal([0, 1, 0]);

    await networkHelpers.time.increase(delay + 1);
    const executed = await applyConsortium(contracts, spec, { organisations: [] }, logger);
    expect([executed.scheduled, executed.pending, executed.transactions]).to.deep.equal([0, 0, 1]);
    expect((await contracts.manager.hasRole(ROLE.INPS_PAYER, payer))[0]).to.equal(true);
  });
});
