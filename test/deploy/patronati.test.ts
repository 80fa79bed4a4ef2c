// The production path registers patronati: a consortium file's `patronati` become PATRONATO
// organisations on chain (no signing key), their operators' identities go only into the
// consortium record off chain, a re-run changes nothing on chain, and the read API's view of the
// chain tells a registered patronato from any other organisation, also from the registry contract
// alone (an index that has not caught up). On an in-process Hardhat network.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";
import PAChainModule from "../../ignition/modules/PAChain.ts";
import { createPatronatoChain, createPatronatoDirectory } from "../../src/api/data/directory.ts";
import { ORG_KIND } from "../../src/chain/consortium.ts";
import { addressesOf, attachContracts } from "../../src/chain/contracts.ts";
import { DEMO_PATRONATI } from "../../src/demo/consortium.ts";
import { ValidationError } from "../../src/errors.ts";
import { createLogger } from "../../src/logger.ts";
import { applyConsortium, parseConsortiumFile } from "../../src/production/deploy.ts";

const { ethers, ignition } = await network.create();
const logger = createLogger("silent");

describe("production path: patronati registered on chain from the consortium file, operators off chain", function () {
  const dir = mkdtempSync(join(tmpdir(), "pachain-patronati-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (content: unknown) => {
    const file = join(dir, `consortium-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const organisations = [
    { slug: "inps", kind: "INPS", code: 0, name: "INPS", signers: [Wallet.createRandom().address] },
    { slug: "inps-cml", kind: "MEDICAL_COMMISSION", code: 0, parent: "inps", name: "INPS - CML", signers: [Wallet.createRandom().address, Wallet.createRandom().address] },
  ];
  const patronati = DEMO_PATRONATI.slice(0, 2).map((p, i) => ({ slug: p.slug, name: p.name, code: 100 + i, operators: p.operators }));

  it("refuses a patronato among the organisations, a bad operator fiscal code, a signing key or a slug used twice", function () {
    const refusal = (content: unknown) => {
      try {
        parseConsortiumFile(write(content));
      } catch (error) {
        expect(error).to.be.instanceOf(ValidationError);
        return (error as ValidationError).field;
      }
      throw new Error("not refused");
    };
    expect(refusal({ organisations: [{ slug: "inca", kind: "PATRONATO", code: 0, name: "INCA" }] })).to.equal("organisations.0.kind");
    expect(refusal({ organisations, patronati: [{ ...patronati[0], operators: [{ fiscalCode: "RSSMRA85T10A562X", name: "typo" }] }] })).to.equal("patronati.0.operators.0.fiscalCode");
    expect(refusal({ organisations, patronati: [{ ...patronati[0], signers: [Wallet.createRandom().address] }] })).to.equal("patronati.0");
    expect(refusal({ organisations, patronati: [{ ...patronati[0], slug: "inps" }] })).to.equal("patronati.0.slug");
    // Files written before patronati still parse.
    expect(parseConsortiumFile(write({ organisations })).patronati).to.deep.equal([]);
  });

  it("registers each patronato once as a PATRONATO organisation without keys; operators only in the record; a re-run changes nothing on chain", async function () {
    const [admin] = await ethers.getSigners();
    const contracts = attachContracts(await addressesOf(await ignition.deploy(PAChainModule)), admin);
    const spec = parseConsortiumFile(write({ organisations, patronati }));
    const first = await applyConsortium(contracts, spec, { organisations: [] }, logger);
    expect(first.record.organisations.map((o) => [o.slug, o.kind, o.orgId])).to.deep.equal([
      ["inps", "INPS", 1], ["inps-cml", "MEDICAL_COMMISSION", 2], [patronati[0].slug, "PATRONATO", 3], [patronati[1].slug, "PATRONATO", 4],
    ]);
    expect(first.record.patronati).to.deep.equal(patronati.map((p, i) => ({ slug: p.slug, id: 3 + i, name: p.name, operators: p.operators })));
    for (const [i, p] of patronati.entries()) {
      const org = await contracts.organisations.organisation(3 + i);
      expect([Number(org.kind), org.active, Number(org.code), Number(org.parentId)]).to.deep.equal([ORG_KIND.PATRONATO, true, p.code, 0]);
    }
    // Nothing personal on chain: no registration event names an operator.
    const events = await contracts.organisations.queryFilter(contracts.organisations.filters.OrganisationRegistered());
    const onChain = JSON.stringify(events.map((e) => [...e.args].map(String)));
    for (const operator of patronati.flatMap((p) => p.operators)) expect(onChain).to.not.contain(operator.fiscalCode);

    // A re-run: no transaction; a changed operator list reaches the record only.
    const changed = patronati.map((p, i) => (i === 0 ? { ...p, operators: [p.operators[1]] } : p));
    const again = await applyConsortium(contracts, parseConsortiumFile(write({ organisations, patronati: changed })), first.record, logger);
    expect(again.transactions).to.equal(0);
    expect(again.record.patronati![0].operators).to.deep.equal([patronati[0].operators[1]]);
    expect(Number(await contracts.organisations.organisationCount())).to.equal(4);

    // The API's view: a patronato is what the chain says, even before the index has it.
    const lagging = { organisations: async () => [] };
    const chain = createPatronatoChain({ reader: lagging, registry: contracts.organisations, known: again.record.patronati! });
    expect(await chain.patronati()).to.deep.equal(patronati.map((p, i) => ({ id: 3 + i, name: p.name })));
    expect(await Promise.all([1, 2, 3, 4, 5].map((id) => chain.isPatronato(id)))).to.deep.equal([false, false, true, true, false]);
    const directory = createPatronatoDirectory(again.record.patronati!.map((p) => ({ ...p })), chain);
    expect((await directory.get(3))?.operators).to.deep.equal([patronati[0].operators[1]]);
    expect(await directory.get(2), "a commission is no patronato").to.equal(undefined);
    // Deactivated by governance: no longer a patronato for the API.
    await (await contracts.organisations.setOrganisationActive(4, false)).wait();
    expect(await chain.isPatronato(4)).to.equal(false);
    expect((await directory.list()).map((p) => p.id)).to.deep.equal([3]);
  });
});
