import { expect } from "chai";
import { JsonRpcProvider, Wallet, type Log } from "ethers";
import { pino, type Logger } from "pino";
import { attachContracts, type PAChainContracts } from "../../src/chain/contracts.ts";
import { DEV_KEYS } from "../../src/config.ts";
import { createIndexer, type IndexerChain } from "../../src/indexer/indexer.ts";
import type { IndexerStore } from "../../src/indexer/store.ts";
import { createLogger } from "../../src/logger.ts";
import { payrollReport, startPayrollRun } from "../../src/oracle/payroll.ts";
import { createOracleRuntime } from "../../src/oracle/wiring.ts";
import { readChainState, type ChainState } from "../oracle/chain-state.ts";
import { startProcess, startSystem, type System } from "../oracle/harness.ts";
import { storeBackends } from "./stores.ts";
import { currentPeriod } from "../support/clock.ts";

const PERIOD_OF_TODAY = currentPeriod();
/** Tables in a dump, with the columns that order their rows. */
const DUMP_ORDER: Record<string, string> = {
  events: "block_number, log_index",
  payments: "block_number, log_index",
  payment_refusals: "block_number, log_index",
  decisions: "block_number, log_index",
  facts: "block_number, log_index",
  organisations: "org_id",
  signers: "address",
  benefits: "benefit_id",
  benefit_terms: "benefit_id, year",
  waves: "wave",
};

function captureLogs(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

/** Every row of every table, in a fixed order: two indexes of one chain must dump the same. */
async function dump(store: IndexerStore): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(DUMP_ORDER)) tables[table] = await store.query(`SELECT * FROM ${table} ORDER BY ${order}`);
  return tables;
}

/** Questions the read API asks (timelines, payroll totals, refusals, joins, aggregates, paging): every store must answer them alike. */
async function readApiQueries(store: IndexerStore): Promise<Record<string, unknown[]>> {
  const [{ subject }] = await store.query<{ subject: string }>("SELECT subject FROM facts ORDER BY block_number, log_index LIMIT 1");
  return {
    paymentsBySubject: await store.query("SELECT subject, COUNT(*) AS n, SUM(amount_cents) AS total FROM payments GROUP BY subject ORDER BY subject"),
    payrollTotals: await store.query("SELECT benefit_id, period, COUNT(*) AS n, SUM(amount_cents) AS cents FROM payments GROUP BY benefit_id, period ORDER BY benefit_id, period"),
    timeline: await store.query(
      `SELECT f.kind, f.record_id, o.name AS certifier, f.block_number, f.block_time, f.signers FROM facts f
       LEFT JOIN organisations o ON o.org_id = f.org_id WHERE f.subject = ? ORDER BY f.block_number, f.log_index`, [subject]),
    decisions: await store.query(
      `SELECT d.application_id, b.code, d.eligible, d.reason_name, d.monthly_amount_cents, d.eligible = 1 AS granted FROM decisions d
       JOIN benefits b ON b.benefit_id = d.benefit_id ORDER BY d.block_number, d.log_index`),
    grantRates: await store.query("SELECT benefit_id, AVG(eligible) AS rate, SUM(CASE WHEN eligible = 1 THEN 1 ELSE 0 END) AS granted FROM decisions GROUP BY benefit_id ORDER BY benefit_id"),
    refusals: await store.query("SELECT reason_name, COUNT(*) AS n FROM payment_refusals GROUP BY reason_name ORDER BY reason_name"),
    eventsByName: await store.query("SELECT contract, event, COUNT(*) AS n, MIN(block_number) AS first, MAX(block_number) AS last FROM events GROUP BY contract, event ORDER BY contract, event"),
    page: await store.query("SELECT tx_hash, log_index, event, args FROM events WHERE block_number BETWEEN ? AND ? ORDER BY block_number, log_index LIMIT ? OFFSET ?", [0, 1_000_000, 50, 20]),
    state: [await store.state(), await store.counts()],
  };
}

/** The index in the shape of readChainState, to compare with what the contracts' events say. */
async function indexedState(store: IndexerStore): Promise<ChainState> {
  const facts = new Map<string, number>();
  for (const f of await store.query<{ kind: string; record_id: string }>("SELECT kind, record_id FROM facts")) {
    facts.set(`${f.kind}:${f.record_id}`, (facts.get(`${f.kind}:${f.record_id}`) ?? 0) + 1);
  }
  const decisions = new Map<string, string>();
  for (const d of await store.query<Record<string, number | string>>("SELECT application_id, eligible, reason, monthly_amount_cents FROM decisions")) {
    decisions.set(String(d.application_id), `${d.eligible === 1}:${d.reason}:${d.monthly_amount_cents}`);
  }
  const payments = new Map<string, bigint>();
  for (const p of await store.query<Record<string, number | string>>("SELECT subject, benefit_id, period, amount_cents FROM payments")) {
    payments.set(`${p.subject}:${p.benefit_id}:${p.period}`, BigInt(p.amount_cents));
  }
  return { facts, decisions, payments };
}

/** A node that refuses log ranges above `maxBlocks`, or dies after `liveGetLogs` eth_getLogs requests. */
function faultyNode(inner: JsonRpcProvider, faults: { maxBlocks?: number; liveGetLogs?: number }): IndexerChain {
  let getLogsCalls = 0;
  return {
    async send(method, params) {
      if (method === "eth_getLogs") {
        getLogsCalls += 1;
        if (faults.liveGetLogs !== undefined && getLogsCalls > faults.liveGetLogs) throw new Error("connect ECONNREFUSED (the indexer's process died here)");
        const [{ fromBlock, toBlock }] = params as Array<{ fromBlock: string; toBlock: string }>;
        if (faults.maxBlocks !== undefined && Number(toBlock) - Number(fromBlock) + 1 > faults.maxBlocks) {
          // The shape ethers gives a JSON-RPC error (geth's and Infura's wording).
          throw Object.assign(new Error("could not coalesce error"), { code: "UNKNOWN_ERROR", error: { code: -32005, message: "query returned more than 10000 results" } });
        }
      }
      return inner.send(method, params);
    },
  };
}

async function allLogs(system: System, provider = system.provider): Promise<Log[]> {
  return provider.getLogs({ address: Object.values(system.deployment.addresses), fromBlock: system.deployment.deploymentBlock, toBlock: "latest" });
}

describe("indexer over a real JSON-RPC node", function () {
  this.timeout(180_000);
  const backends = storeBackends("indexer over a real JSON-RPC node");
  let system: System;
  let secondSystem: Promise<System>;
  let chain: ChainState;
  let logs: Log[];
  let registrar: PAChainContracts;
  /** ethers caches identical requests for 250 ms: the tests change the chain faster than that. */
  let node: JsonRpcProvider;
  const silent = createLogger("silent");
  const indexerOn = (store: IndexerStore, options: { provider?: IndexerChain; logger?: Logger; batchBlocks?: number; confirmations?: number; pollIntervalMs?: number } = {}) =>
    createIndexer({ provider: node, deployment: system.deployment, store, logger: silent, ...options });

  before(async function () {
    system = await startSystem({ size: 60, seed: 41 });
    // The chain-reset test needs a second, unrelated chain: build it while this one fills up.
    secondSystem = startSystem({ size: 10, seed: 42 });
    secondSystem.catch(() => undefined);
    for (const backend of backends) await backend.setUp();
    const rt = createOracleRuntime({ config: system.config, deployment: system.deployment, logger: silent });
    try {
      rt.oracle.start();
      await rt.oracle.idle(120_000);
      const { run } = startPayrollRun(rt.store, rt.catalog, PERIOD_OF_TODAY);
      for (let r = payrollReport(rt.store, PERIOD_OF_TODAY, run); r.settled < r.orders; r = payrollReport(rt.store, PERIOD_OF_TODAY, run)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await rt.close();
    }
    node = new JsonRpcProvider(system.chain.url, system.deployment.chainId, { staticNetwork: true, cacheTimeout: -1, batchStallTime: 0 });
    // A plain wallet asks the node for its nonce: no nonce cache to go stale when the reorg test rewinds the chain.
    registrar = attachContracts(system.deployment.addresses, new Wallet(DEV_KEYS[0], node));
  });

  after(async function () {
    node?.destroy();
    await system?.stop();
    await (await secondSystem?.catch(() => undefined))?.stop();
    for (const backend of backends) await backend.tearDown();
  });

  it("gives the read API the same answers from SQLite and PostgreSQL for the same chain", async function () {
    if (backends.length < 2) this.skip();
    const answers = [];
    for (const backend of backends) {
      const store = await backend.open("parity");
      await indexerOn(store, { batchBlocks: 7 }).catchUp();
      answers.push({ tables: await dump(store), queries: await readApiQueries(store) });
      await store.close();
    }
    expect(answers[0].queries.paymentsBySubject, "the chain has payments to compare").to.not.be.empty;
    expect(answers[1]).to.deep.equal(answers[0]);
  });

  for (const backend of backends) describe(`into ${backend.name}`, function () {
    let reference: Record<string, unknown[]>;

    before(async function () {
      // Earlier suites added blocks (a new key, a reorg): compare with the chain as it is now.
      chain = await readChainState(system.contracts, system.deployment.deploymentBlock);
      logs = await allLogs(system, node);
    });

    it("indexes exactly the chain's events: every fact, decision and payment, each once", async function () {
      const store = await backend.open("main");
      const indexer = indexerOn(store);
      const started = performance.now();
      const status = await indexer.catchUp();
      const seconds = (performance.now() - started) / 1000;
      const head = await node.getBlockNumber();
      console.log(`      backfill: ${logs.length} events in ${head} blocks, ${seconds.toFixed(2)} s = ${Math.round(logs.length / seconds)} events/s`);

      expect(status).to.deep.equal({ indexedBlock: head, headBlock: head, lagBlocks: 0 });
      expect(chain.payments.size, "the payroll paid someone").to.be.greaterThan(0);
      expect(chain.decisions.size, "applications were decided").to.be.greaterThan(0);
      const indexed = await indexedState(store);
      expect(indexed.facts).to.deep.equal(chain.facts);
      expect(indexed.decisions).to.deep.equal(chain.decisions);
      expect(indexed.payments).to.deep.equal(chain.payments);
      const rows = await store.query<{ tx_hash: string; log_index: number; block_number: number; block_hash: string }>(
        "SELECT tx_hash, log_index, block_number, block_hash FROM events ORDER BY block_number, log_index",
      );
      expect(rows.map((r) => `${r.block_number}:${r.block_hash}:${r.tx_hash}:${r.log_index}`))
        .to.deep.equal(logs.map((l) => `${l.blockNumber}:${l.blockHash}:${l.transactionHash}:${l.index}`));
      const counts = await store.counts();
      const named = async (name: string) => (await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE event = ?", [name]))[0].n;
      expect(counts.organisations).to.equal(await named("OrganisationRegistered")).and.to.be.greaterThan(0);
      expect(counts.signers).to.equal(await named("SignerAdded"));
      expect(counts.benefits).to.be.greaterThan(0);
      expect(counts.waves).to.equal(3);
      // Every fact names its certifier, income included (found from the signing key).
      expect(await store.query("SELECT kind FROM facts WHERE org_id IS NULL")).to.deep.equal([]);
      reference = await dump(store);
      await store.close();
    });

    it("stores nothing twice: a second catch-up, and a new indexer over the same file, add no rows", async function () {
      const store = await backend.open("main");
      const indexer = indexerOn(store);
      await indexer.catchUp();
      await indexer.catchUp();
      expect(indexer.stats().eventsStored).to.equal(0);
      expect(await dump(store)).to.deep.equal(reference);
      await store.close();
    });

    it("resumes after a crash in the middle of a backfill, from its checkpoint, with the same rows as a run without one", async function () {
      const crashing = await backend.open("crash");
      const dying = faultyNode(node, { liveGetLogs: 6 });
      const error = await indexerOn(crashing, { provider: dying, batchBlocks: 5 }).catchUp().catch((e: unknown) => e);
      expect((error as Error).message).to.match(/process died/);
      const reached = (await crashing.state())!.checkpoint.block;
      expect(reached).to.equal(system.deployment.deploymentBlock - 1 + 6 * 5);
      await crashing.close();

      const store = await backend.open("crash");
      const indexer = indexerOn(store, { batchBlocks: 5 });
      await indexer.catchUp();
      expect(indexer.stats().eventsStored).to.equal(logs.filter((l) => l.blockNumber > reached).length);
      expect(await dump(store)).to.deep.equal(reference);
      await store.close();
    });

    it("gives the same rows when it backfills in ranges of 5 blocks as in one range", async function () {
      const store = await backend.open("small-ranges");
      const indexer = indexerOn(store, { batchBlocks: 5 });
      await indexer.catchUp();
      const head = await node.getBlockNumber();
      expect(indexer.stats().batches).to.equal(Math.ceil((head - system.deployment.deploymentBlock + 1) / 5));
      expect(await dump(store)).to.deep.equal(reference);
      await store.close();
    });

    it("halves the log range while the node refuses it as too large, and indexes the same rows", async function () {
      const store = await backend.open("halving");
      const refusing = faultyNode(node, { maxBlocks: 8 });
      const { logger, lines } = captureLogs();
      await indexerOn(store, { provider: refusing, logger }).catchUp();
      expect(await dump(store)).to.deep.equal(reference);
      // The first request covers the whole history; it is halved until the node accepts it.
      const expected: number[] = [];
      for (let span = (await node.getBlockNumber()) - system.deployment.deploymentBlock + 1; span > 8;) expected.push((span = Math.ceil(span / 2)));
      const halvings = lines.filter((l) => l.msg === "node refused the log range: halving it").map((l) => l.nextBlocks);
      expect(halvings.slice(0, expected.length)).to.deep.equal(expected);
      await store.close();
    });

    it("indexes only blocks with the configured confirmations on top", async function () {
      const store = await backend.open("confirmations");
      const status = await indexerOn(store, { confirmations: 3 }).catchUp();
      const head = await node.getBlockNumber();
      expect(status).to.deep.equal({ indexedBlock: head - 3, headBlock: head, lagBlocks: 0 });
      const [{ last }] = await store.query<{ last: number }>("SELECT MAX(block_number) AS last FROM events");
      expect(last).to.equal(Math.max(...logs.filter((l) => l.blockNumber <= head - 3).map((l) => l.blockNumber)));
      await store.close();
    });

    // SQLite has no server to restart: a process crash is the test above.
    if (backend.name === "PostgreSQL") it("recovers when the database restarts in the middle of indexing: no event lost, none stored twice", async function () {
      const server = backend.postgres;
      if (!server?.crash || !server.start) this.skip(); // an external PostgreSQL (PACHAIN_TEST_DATABASE_URL) is not ours to restart
      const store = await backend.open("restart");
      const { logger, lines } = captureLogs();
      let restarted: Promise<void> | undefined;
      let getLogs = 0;
      // The database goes down between reading the 4th batch's logs and storing them, and comes back 1.5 s later.
      const provider: IndexerChain = {
        async send(method, params) {
          const result = await node.send(method, params);
          if (method === "eth_getLogs" && (getLogs += 1) === 4) {
            server.crash!();
            restarted = new Promise<void>((resolve) => setTimeout(resolve, 1500)).then(() => server.start!());
          }
          return result;
        },
      };
      const indexer = indexerOn(store, { provider, logger, batchBlocks: 5, pollIntervalMs: 50 });
      indexer.start();
      try {
        const head = await node.getBlockNumber();
        const deadline = Date.now() + 60_000;
        while (!restarted || (await indexer.status().catch(() => undefined))?.indexedBlock !== head) {
          if (Date.now() > deadline) throw new Error("the indexer did not catch up after the restart");
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await indexer.stop();
      }
      expect(lines.filter((l) => l.msg === "indexing step failed").length, "the outage was noticed").to.be.greaterThan(0);
      expect(lines.filter((l) => l.msg === "indexer recovered")).to.have.length(1);
      expect(indexer.stats().eventsStored).to.equal(logs.length);
      expect(await dump(store)).to.deep.equal(reference);
      await store.close();
    });

    it("follows new blocks once started: a new signing key is indexed within the poll interval", async function () {
      const store = await backend.open("main");
      const indexer = createIndexer({ provider: node, deployment: system.deployment, store, logger: silent, pollIntervalMs: 50 });
      indexer.start();
      try {
        const key = Wallet.createRandom().address;
        const receipt = await (await registrar.organisations.addSigner(1, key)).wait();
        const deadline = Date.now() + 10_000;
        while ((await indexer.status()).indexedBlock < receipt!.blockNumber) {
          if (Date.now() > deadline) throw new Error("the new block was not indexed");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(await store.query("SELECT org_id, added_block FROM signers WHERE address = ?", [key])).to.deep.equal([{ org_id: 1, added_block: receipt!.blockNumber }]);
        expect(await store.query("SELECT event FROM events WHERE tx_hash = ?", [receipt!.hash])).to.deep.equal([{ event: "SignerAdded" }]);
      } finally {
        await indexer.stop();
        await store.close();
      }
    });

    it("runs from the command line: catch-up indexes to the head and prints the status", async function () {
      const env = { ...system.env, ...(await backend.storeEnv("cli")), PACHAIN_INDEXER_BATCH_BLOCKS: "20" };
      const child = await startProcess(["scripts/indexer.ts", "catch-up", "--json"], env, null);
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => (out += chunk));
      const code = await new Promise((resolve) => child.once("exit", resolve));
      const head = await node.getBlockNumber();
      const printed = JSON.parse(out.trim());
      expect({ code, status: [printed.indexedBlock, printed.lagBlocks], events: printed.rows.events })
        .to.deep.equal({ code: 0, status: [head, 0], events: (await allLogs(system, node)).length });
    });

    it("rewinds after a reorg at its checkpoint: the orphaned block's events go, the new branch's come", async function () {
      const store = await backend.open("reorg");
      const { logger, lines } = captureLogs();
      const indexer = indexerOn(store, { logger });
      const snapshot = await node.send("evm_snapshot", []);
      const orphan = Wallet.createRandom().address;
      await (await registrar.organisations.addSigner(1, orphan)).wait();
      await indexer.catchUp();
      expect(await store.query("SELECT address FROM signers WHERE address = ?", [orphan])).to.have.length(1);
      const before = (await store.state())!.checkpoint;

      await node.send("evm_revert", [snapshot]);
      const kept = Wallet.createRandom().address;
      await (await registrar.organisations.addSigner(1, kept)).wait();
      await node.send("hardhat_mine", ["0x2"]);
      const status = await indexer.catchUp();

      expect(lines.filter((l) => l.msg === "reorg at the checkpoint: rewound the index").map((l) => l.checkpointBlock)).to.deep.equal([before.block]);
      expect(status.indexedBlock).to.equal(await node.getBlockNumber());
      expect(await store.query("SELECT address FROM signers WHERE address IN (?, ?)", [orphan, kept])).to.deep.equal([{ address: kept }]);
      const events = await store.query("SELECT tx_hash, log_index FROM events ORDER BY block_number, log_index");
      expect(events.map((e) => `${e.tx_hash}:${e.log_index}`)).to.deep.equal((await allLogs(system, node)).map((l) => `${l.transactionHash}:${l.index}`));
      await store.close();
    });

    it("starts over when the chain was reset: the old index is cleared and the new chain indexed, with a warning", async function () {
      const fresh = await secondSystem;
      const store = await backend.open("main");
      expect((await store.state())!.genesisHash).to.equal(system.deployment.genesisHash);
      const { logger, lines } = captureLogs();
      const indexer = createIndexer({ provider: fresh.provider, deployment: fresh.deployment, store, logger });
      await indexer.catchUp();

      const warning = lines.find((l) => l.msg === "chain was reset (block 0 changed): index cleared, starting over");
      expect(warning, "the reset is in the log").to.include({ level: 40, storedGenesisHash: system.deployment.genesisHash, genesisHash: fresh.deployment.genesisHash });
      expect((await store.state())!.genesisHash).to.equal(fresh.deployment.genesisHash);
      const freshLogs = await allLogs(fresh);
      const rows = await store.query("SELECT block_hash, tx_hash, log_index FROM events ORDER BY block_number, log_index");
      expect(rows.map((r) => `${r.block_hash}:${r.tx_hash}:${r.log_index}`)).to.deep.equal(freshLogs.map((l) => `${l.blockHash}:${l.transactionHash}:${l.index}`));
      expect(await indexedState(store)).to.deep.equal(await readChainState(fresh.contracts, fresh.deployment.deploymentBlock));
      expect(await store.counts()).to.include({ payments: 0, decisions: 0, facts: 0 });
      await store.close();
    });

    it("refuses a deployment record made for another chain than the node's, and clears nothing", async function () {
      const fresh = await secondSystem;
      const store = await backend.open("main");
      const before = await dump(store);
      const indexer = createIndexer({ provider: fresh.provider, deployment: system.deployment, store, logger: silent });
      const error = await indexer.catchUp().catch((e: unknown) => e);
      expect((error as Error).message).to.equal(`the deployment record is for the chain whose block 0 is ${system.deployment.genesisHash}, `
        + `but the node's block 0 is ${fresh.deployment.genesisHash}: deploy PA Chain on this chain, or point the indexer at the chain of the deployment`);
      expect(await dump(store)).to.deep.equal(before);
      await store.close();
    });
  });
});
