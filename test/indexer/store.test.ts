import { expect } from "chai";
import type { IndexedEvent, JsonObject } from "../../src/indexer/events.ts";
import { IndexerStoreConflict, type IndexerStore } from "../../src/indexer/store.ts";
import { storeBackends } from "./stores.ts";

const ADDRESSES = {
  manager: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  organisations: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  facts: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  catalog: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0fC9",
  ledger: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
};
const CHAIN = { chainId: 31337, genesisHash: hash("genesis"), addresses: ADDRESSES, deploymentBlock: 1 };
const START = { block: 0, hash: CHAIN.genesisHash };
const KEY = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const SUBJECT = hash("subject");
const BENEFIT = hash("INV_ASSEGNO_MENSILE");

function hash(label: string): string {
  return `0x${Buffer.from(label).toString("hex").padEnd(64, "0")}`;
}

function event(block: number, logIndex: number, contract: IndexedEvent["contract"], name: string, args: JsonObject): IndexedEvent {
  return {
    blockNumber: block, blockHash: hash(`block ${block}`), blockTime: 1_790_000_000 + block,
    txHash: hash(`tx ${block}`), txIndex: 0, logIndex,
    contract, address: ADDRESSES.ledger, event: name, args,
  };
}

const at = (block: number) => ({ block, hash: hash(`block ${block}`) });

const registered = (block: number) => event(block, 0, "OrganisationRegistry", "OrganisationRegistered", { orgId: "7", kind: "3", code: "0", parentId: "0", name: "INPS" });
const signerAdded = (block: number) => event(block, 1, "OrganisationRegistry", "SignerAdded", { orgId: "7", signer: KEY });
const income = (block: number) => event(block, 0, "FactRegistry", "IncomeRecorded", {
  recordId: hash("income 1"), subject: SUBJECT, year: "2025", replaced: false, oldAmountCents: "0", newAmountCents: "1234567", signer: KEY, signedAt: "1790000000",
});
const payment = (block: number, logIndex = 0) => event(block, logIndex, "BenefitLedger", "PaymentRecorded", { subject: SUBJECT, benefitId: BENEFIT, period: "202611", amountCents: "33315" });

for (const backend of storeBackends("indexer store")) describe(`indexer store (${backend.name})`, function () {
  let store: IndexerStore;
  let name: string;
  let stores = 0;

  before(async function () {
    await backend.setUp();
  });

  after(async function () {
    await backend.tearDown();
  });

  beforeEach(async function () {
    // A new index per test.
    name = `store${(stores += 1)}`;
    store = await backend.open(name);
    await store.reset(CHAIN, START);
  });

  afterEach(async function () {
    await store.close();
  });

  it("stores each event with its derived rows once, even when the same events are appended again", async function () {
    const batch = [registered(2), signerAdded(2), income(3), payment(4)];
    expect(await store.append(batch, START, at(4))).to.equal(4);
    expect(await store.append(batch, at(4), at(5))).to.equal(0);
    expect(await store.counts()).to.include({ events: 4, organisations: 1, signers: 1, facts: 1, payments: 1 });
    const [row] = await store.query("SELECT subject, benefit_id, period, application_id, record_id, args FROM events WHERE event = 'PaymentRecorded'");
    expect(row).to.deep.equal({
      subject: SUBJECT, benefit_id: BENEFIT, period: 202611, application_id: null, record_id: null,
      args: JSON.stringify({ subject: SUBJECT, benefitId: BENEFIT, period: "202611", amountCents: "33315" }),
    });
    expect((await store.state())!.checkpoint).to.deep.equal(at(5));
  });

  it("names the organisation of the signing key as the certifier of an income record", async function () {
    await store.append([registered(2), signerAdded(2), income(3)], START, at(3));
    const [fact] = await store.query("SELECT kind, record_id, org_id, signers, year, amount_cents, replaced FROM facts");
    expect(fact).to.deep.equal({ kind: "income", record_id: hash("income 1"), org_id: 7, signers: JSON.stringify([KEY]), year: 2025, amount_cents: 1234567, replaced: 0 });
  });

  it("names the certifier a key had when the fact was recorded, when the key moves to another organisation in the same batch", async function () {
    const moved = { ...event(4, 0, "OrganisationRegistry", "SignerAdded", { orgId: "8", signer: KEY }) };
    const laterIncome = { ...income(5), txHash: hash("tx 5"), args: { ...income(5).args, recordId: hash("income 2") } };
    await store.append([registered(2), signerAdded(2), income(3), moved, laterIncome], START, at(5));
    expect(await store.query("SELECT record_id, org_id FROM facts ORDER BY block_number")).to.deep.equal([
      { record_id: hash("income 1"), org_id: 7 },
      { record_id: hash("income 2"), org_id: 8 },
    ]);
  });

  it("stores a batch of any size in multi-row statements, and only the new events of a batch that is partly stored", async function () {
    // 300 payments: one 256-row statement and power-of-two chunks for the rest.
    const payments = Array.from({ length: 300 }, (_, i) => ({ ...payment(2 + Math.floor(i / 7), i % 7), txHash: hash(`payment ${i}`) }));
    expect(await store.append(payments.slice(0, 137), START, at(20))).to.equal(137);
    expect(await store.append(payments, at(20), at(50))).to.equal(163);
    expect(await store.counts()).to.include({ events: 300, payments: 300 });
    const stored = await store.query<{ tx_hash: string; log_index: number }>("SELECT tx_hash, log_index FROM payments ORDER BY block_number, log_index, tx_hash");
    const expected = [...payments].sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex || a.txHash.localeCompare(b.txHash));
    expect(stored).to.deep.equal(expected.map((p) => ({ tx_hash: p.txHash, log_index: p.logIndex })));
  });

  it("stores a backfill's large batch (COPY on PostgreSQL) as it stores small ones: certifiers resolved, any text intact", async function () {
    // ≥ 64 events: PostgreSQL takes the COPY path. A name with a tab, a newline and backslashes
    // (COPY's text format escapes them), the income's certifier found from its key, a key moved.
    const odd = "INPS\tSede\\centrale\nRoma \\N";
    const named = { ...registered(2), args: { ...registered(2).args, name: odd } };
    const moved = event(4, 0, "OrganisationRegistry", "SignerAdded", { orgId: "8", signer: KEY });
    const laterIncome = { ...income(5), txHash: hash("tx 5"), args: { ...income(5).args, recordId: hash("income 2") } };
    const payments = Array.from({ length: 100 }, (_, i) => ({ ...payment(6 + Math.floor(i / 10), i % 10), txHash: hash(`payment ${i}`) }));
    expect(await store.append([named, signerAdded(2), income(3), moved, laterIncome, ...payments], START, at(20))).to.equal(105);
    expect(await store.query("SELECT record_id, org_id FROM facts ORDER BY block_number")).to.deep.equal([
      { record_id: hash("income 1"), org_id: 7 },
      { record_id: hash("income 2"), org_id: 8 },
    ]);
    expect(await store.query("SELECT name FROM organisations")).to.deep.equal([{ name: odd }]);
    const [args] = await store.query<{ args: string }>("SELECT args FROM events WHERE event = 'OrganisationRegistered'");
    expect(JSON.parse(args.args).name).to.equal(odd);
    expect(await store.counts()).to.include({ events: 105, payments: 100, facts: 2 });
  });

  it("answers the same without its secondary indexes (a fresh backfill) and builds them back", async function () {
    await store.deferIndexes();
    await store.append([registered(2), signerAdded(2), income(3), payment(4)], START, at(4));
    const query = "SELECT subject, period FROM payments WHERE subject = ? ORDER BY period";
    expect(await store.query(query, [SUBJECT])).to.deep.equal([{ subject: SUBJECT, period: 202611 }]);
    await store.buildIndexes();
    await store.buildIndexes();
    expect(await store.query(query, [SUBJECT])).to.deep.equal([{ subject: SUBJECT, period: 202611 }]);
  });

  it("moves the checkpoint in the same transaction as the rows: a batch from a stale checkpoint leaves nothing", async function () {
    await store.append([payment(2)], START, at(2));
    // Another writer's view: it believes the index is still at START.
    const error = await store.append([payment(3)], START, at(3)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IndexerStoreConflict);
    expect(await store.counts()).to.include({ events: 1, payments: 1 });
    expect((await store.state())!.checkpoint).to.deep.equal(at(2));
  });

  it("rewinds: deletes the rows above the block and rebuilds organisations and keys from the events that remain", async function () {
    await store.append([registered(2), signerAdded(2), payment(3)], START, at(3));
    await store.append([
      event(5, 0, "OrganisationRegistry", "OrganisationActiveChanged", { orgId: "7", oldActive: true, newActive: false }),
      event(5, 1, "OrganisationRegistry", "SignerRetired", { orgId: "7", signer: KEY, retiredAt: "1790000005" }),
      payment(6),
    ], at(3), at(6));
    expect(await store.query("SELECT active FROM organisations")).to.deep.equal([{ active: 0 }]);

    await store.rewind(at(4));
    expect(await store.counts()).to.include({ events: 3, payments: 1, organisations: 1, signers: 1 });
    expect(await store.query("SELECT active, updated_block FROM organisations")).to.deep.equal([{ active: 1, updated_block: 2 }]);
    expect(await store.query("SELECT retired_at FROM signers")).to.deep.equal([{ retired_at: null }]);
    expect(await store.eventBlocks(10, 10)).to.deep.equal([at(3), at(2)]);
    expect((await store.state())!.checkpoint).to.deep.equal(at(4));
  });

  it("starts over on reset: every table empty, the new chain recorded", async function () {
    await store.append([registered(2), signerAdded(2), income(3), payment(4)], START, at(4));
    const other = { ...CHAIN, genesisHash: hash("another genesis") };
    await store.reset(other, { block: 0, hash: other.genesisHash });
    expect(Object.values(await store.counts()).every((n) => n === 0)).to.equal(true);
    expect(await store.state()).to.deep.equal({ ...other, checkpoint: { block: 0, hash: other.genesisHash } });
  });

  it("keeps a uint64 amount beyond a signed 64-bit column exact in the event and NULL in the derived column", async function () {
    const huge = event(2, 0, "BenefitLedger", "PaymentRecorded", { subject: SUBJECT, benefitId: BENEFIT, period: "202611", amountCents: "18446744073709551615" });
    await store.append([huge], START, at(2));
    expect(await store.query("SELECT amount_cents FROM payments")).to.deep.equal([{ amount_cents: null }]);
    const [{ args }] = await store.query<{ args: string }>("SELECT args FROM events");
    expect(JSON.parse(args).amountCents).to.equal("18446744073709551615");
  });

  it("answers counts, sums, averages and comparisons as numbers, the same on every store (the read API's queries)", async function () {
    await store.append([payment(2), payment(3), payment(3, 1)], START, at(3));
    expect(await store.query("SELECT COUNT(*) AS n, SUM(amount_cents) AS total, AVG(amount_cents) AS mean, MAX(block_number) AS last FROM payments WHERE subject = ?", [SUBJECT]))
      .to.deep.equal([{ n: 3, total: 99945, mean: 33315, last: 3 }]);
    expect(await store.query("SELECT block_number, period = ? AS november, '?' AS mark FROM payments WHERE block_number = ? ORDER BY log_index", [202611, 3]))
      .to.deep.equal([{ block_number: 3, november: 1, mark: "?" }, { block_number: 3, november: 1, mark: "?" }]);
    expect(await store.query("SELECT benefit_id, COUNT(*) AS n FROM payments GROUP BY benefit_id HAVING COUNT(*) > ?", [5])).to.deep.equal([]);
  });

  it("refuses to open an index written with another schema version", async function () {
    await store.close();
    await backend.exec(name, "UPDATE indexer_state SET schema_version = 0");
    const error = await backend.open(name).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/schema version 0, this code writes 1/);
    store = await backend.open(`${name}-fresh`);
  });
});
