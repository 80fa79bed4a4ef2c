// Ingestion: signed source records → chain, end to end through the real oracle (feed adapter,
// intake, durable outbox, batch relayer), against the same records sent one transaction each.
import { resolve } from "node:path";
import { Transaction, Wallet, type JsonRpcProvider, type TransactionReceipt } from "ethers";
import { loadCatalog } from "../../src/domain/catalog.ts";
import { createLogger } from "../../src/logger.ts";
import { createIntake } from "../../src/oracle/intake.ts";
import { openOracleStore, type OutboxItem, type RelayerName } from "../../src/oracle/store.ts";
import { createPseudonymVault } from "../../src/oracle/vault.ts";
import { createOracleRuntime, RELAYER_OF_SOURCE, type OracleRuntime } from "../../src/oracle/wiring.ts";
import { resolveSecret } from "../../src/secrets.ts";
import type { SourceName } from "../../src/simulators/events.ts";
import { traceGas, weighted, type GasBreakdown } from "./gas-trace.ts";
import { progress } from "./progress.ts";
import { contractNames, type BenchChain, type BenchSources } from "./system.ts";

/** The ingestion's progress poll: it counts the whole outbox by status, so not too often in the oracle's own process (runs last minutes). */
const POLL_MS = 250;
const RECEIPT_GROUP = 10;
/** The typical batch traced is chosen among each relayer's last this many. */
const RECENT_BATCHES = 50;
const NAIVE_GAS_LIMIT = 1_000_000n;

export type FeedEvent = Record<string, unknown> & { kind: string };

export interface RateResult {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  transactions: number;
  gasPerRecord: number;
}

/** Every event of a source feed, page by page. */
export async function readFeed(url: string): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  for (let after = 0; ;) {
    const response = await fetch(`${url}/v1/events?after=${after}&limit=1000`);
    const page = (await response.json()) as { events: FeedEvent[]; next: number; hasMore: boolean };
    events.push(...page.events);
    if (!page.hasMore) return events;
    after = page.next;
  }
}

export async function readFeeds(sources: BenchSources): Promise<Record<SourceName, FeedEvent[]>> {
  const entries = await Promise.all(Object.entries(sources.urls).map(async ([source, url]) => [source, await readFeed(url)] as const));
  return Object.fromEntries(entries) as Record<SourceName, FeedEvent[]>;
}

/** The receipt, polled without ethers' 4 s block polling (an automining node has it at once). */
export async function receiptOf(provider: JsonRpcProvider, hash: string): Promise<TransactionReceipt> {
  for (let tries = 0; ; tries++) {
    let receipt: TransactionReceipt | null = null;
    try {
      receipt = await provider.getTransactionReceipt(hash);
    } catch (error) {
      // A dropped connection under load is retried; the receipt does not go away.
      if (tries > 20) throw error;
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (receipt) return receipt;
    if (tries > 2000) throw new Error(`no receipt for ${hash}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function sumGas(provider: JsonRpcProvider, hashes: Iterable<string>): Promise<{ gas: number; transactions: number; gasByTx: Map<string, number> }> {
  const unique = [...new Set(hashes)];
  let gas = 0;
  const gasByTx = new Map<string, number>();
  // Small groups: a JSON-RPC batch of a hundred receipts with their logs is megabytes the node
  // must build at once (it dropped the connection at 30k people).
  for (let i = 0; i < unique.length; i += RECEIPT_GROUP) {
    const hashes = unique.slice(i, i + RECEIPT_GROUP);
    const receipts = await Promise.all(hashes.map((h) => receiptOf(provider, h)));
    for (const r of receipts) {
      gas += Number(r.gasUsed);
      gasByTx.set(r.hash, Number(r.gasUsed));
    }
  }
  return { gas, transactions: unique.length, gasByTx };
}

/**
 * The baseline: the first `limit` fact records of each feed (feed order, so a revocation follows its
 * assessment), each sent as its own FactRegistry call by its organisation's account and awaited, the
 * three accounts in parallel. Run inside evm_snapshot/evm_revert, so the chain is as before.
 */
export async function naiveIngest(bench: BenchChain, sources: BenchSources, feeds: Record<SourceName, FeedEvent[]>, limit: number): Promise<RateResult> {
  const { config } = sources;
  const home = resolve(config.PACHAIN_HOME);
  const store = openOracleStore(":memory:");
  const vault = createPseudonymVault({
    store,
    pseudonymKey: resolveSecret(home, "pseudonym-key", config.PACHAIN_PSEUDONYM_KEY),
    vaultKey: resolveSecret(home, "vault-key", config.PACHAIN_VAULT_KEY),
  });
  const intake = createIntake({ factsInterface: bench.contracts.facts.interface, vault, catalog: loadCatalog() });
  const keys: Record<RelayerName, string> = {
    civil: config.PACHAIN_CIVIL_RELAYER_KEY, health: config.PACHAIN_HEALTH_RELAYER_KEY, inps: config.PACHAIN_INPS_RELAYER_KEY,
  };
  const plans = (Object.keys(feeds) as SourceName[]).map((source) => {
    const relayer = RELAYER_OF_SOURCE[source];
    const calls = feeds[source]
      .filter((e) => e.kind !== "application")
      .slice(0, limit)
      .map((e) => intake.accept(source, relayer, e))
      .flatMap((r) => (r.type === "item" && !r.item.dead ? [r.item.payload] : []));
    return { wallet: new Wallet(keys[relayer], bench.provider), calls };
  });
  store.close();
  const total = plans.reduce((n, p) => n + p.calls.length, 0);
  const bar = progress("ingest baseline (1 tx per record)", total);
  const facts = bench.deployment.addresses.facts;
  const { chainId } = await bench.provider.getNetwork();
  const gasPrice = (await bench.provider.getFeeData()).gasPrice ?? 0n;
  const snapshot = await bench.provider.send("evm_snapshot", []);
  let sent = 0;
  let gas = 0;
  const started = performance.now();
  try {
    await Promise.all(plans.map(async ({ wallet, calls }) => {
      let nonce = await bench.provider.getTransactionCount(wallet.address, "pending");
      for (const data of calls) {
        const signed = await wallet.signTransaction({ to: facts, data, nonce: nonce++, gasLimit: NAIVE_GAS_LIMIT, gasPrice, chainId, type: 0 });
        const hash = await bench.provider.send("eth_sendRawTransaction", [signed]);
        const receipt = await receiptOf(bench.provider, hash);
        if (receipt?.status !== 1) throw new Error(`baseline record transaction ${Transaction.from(signed).hash} reverted`);
        gas += Number(receipt.gasUsed);
        bar.update(++sent);
      }
    }));
  } finally {
    await bench.provider.send("evm_revert", [snapshot]);
  }
  const seconds = (performance.now() - started) / 1000;
  const result = { records: total, seconds, recordsPerSecond: total / seconds, transactions: total, gasPerRecord: gas / total };
  bar.done(`${result.recordsPerSecond.toFixed(0)} records/s`);
  return result;
}

/**
 * The real path: the oracle (in this process) reads the three feeds from cursor 0 and relays every
 * record; the clock runs from its start until every fact is settled from its receipt.
 */
export async function oracleIngest(bench: BenchChain, sources: BenchSources, factCount: number): Promise<{ result: RateResult; runtime: OracleRuntime; gasTrace: RecordGasTrace | undefined }> {
  const runtime = createOracleRuntime({ config: sources.config, deployment: bench.deployment, logger: createLogger(process.env.BENCH_ORACLE_LOG ?? "silent") });
  const bar = progress("ingest through the oracle", factCount);
  const started = performance.now();
  runtime.oracle.start();
  for (;;) {
    const counts = runtime.store.counts();
    const settled = counts.done + counts.dead;
    bar.update(settled);
    if (settled >= factCount && runtime.store.pendingCount("fact") === 0) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const seconds = (performance.now() - started) / 1000;
  const dead = runtime.store.items({ status: "dead", kind: "fact" }, 5);
  if (dead.length > 0) throw new Error(`ingestion left dead letters, e.g. ${dead[0].recordKey}: ${dead[0].errorDetail}`);
  const items = runtime.store.items({ kind: "fact", status: "done" }, Number.MAX_SAFE_INTEGER);
  const { gas, transactions, gasByTx } = await sumGas(bench.provider, items.map((i) => i.txHash!));
  const result = { records: items.length, seconds, recordsPerSecond: items.length / seconds, transactions, gasPerRecord: gas / items.length };
  bar.done(`${result.recordsPerSecond.toFixed(0)} records/s in ${transactions} transactions`);
  return { result, runtime, gasTrace: await traceRecords(bench, items, gasByTx) };
}

/**
 * Per relayer (one source's certifiers), one typical batch traced — among its batches at least half
 * as full as its fullest, the one whose gas per record is nearest the relayer's mean (early batches
 * create more subjects' slots than later ones) — and their mix weighted by each relayer's share of
 * the records, so the mix adds up to about the measured gas per record.
 */
export interface RecordGasTrace {
  byRelayer: Partial<Record<RelayerName, GasBreakdown>>;
  mix: GasBreakdown;
}

async function traceRecords(bench: BenchChain, items: readonly OutboxItem[], gasByTx: ReadonlyMap<string, number>): Promise<RecordGasTrace | undefined> {
  const byRelayer: Partial<Record<RelayerName, GasBreakdown>> = {};
  const parts: Array<{ breakdown: GasBreakdown; weight: number }> = [];
  const relayers = [...new Set(items.map((i) => i.relayer))];
  for (const relayer of relayers) {
    const mine = items.filter((i) => i.relayer === relayer);
    const perTx = new Map<string, number>();
    for (const i of mine) perTx.set(i.txHash!, (perTx.get(i.txHash!) ?? 0) + 1);
    const mean = [...perTx.keys()].reduce((n, tx) => n + (gasByTx.get(tx) ?? 0), 0) / mine.length;
    const fullest = Math.max(...perTx.values());
    // Among the relayer's last batches (items settle in order): a trace of an old block costs the
    // node more the further it is from the head.
    const recent = [...perTx].slice(-RECENT_BATCHES);
    const full = recent.filter(([, n]) => n * 2 >= fullest);
    const [typical] = (full.length > 0 ? full : recent)
      .sort((a, b) => Math.abs((gasByTx.get(a[0]) ?? 0) / a[1] - mean) - Math.abs((gasByTx.get(b[0]) ?? 0) / b[1] - mean));
    process.stderr.write(`trace one ${relayer} record batch (${typical[1]} records) …\n`);
    const breakdown = await traceGas(bench.provider, typical[0], typical[1], contractNames(bench));
    if (!breakdown) return undefined;
    byRelayer[relayer] = breakdown;
    parts.push({ breakdown, weight: mine.length });
  }
  const mix = weighted(parts);
  return mix && { byRelayer, mix };
}
