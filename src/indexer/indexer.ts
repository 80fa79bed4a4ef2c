// The indexer: follows every event of the five PA Chain contracts, from the deployment block, into
// the store. It backfills in large eth_getLogs ranges (halved when the node refuses one as too
// large), then polls for new blocks, and indexes only blocks with `confirmations` blocks on top
// (0 on QBFT, where a block is final at once). The rows of a batch and the checkpoint (block
// number and hash) are one transaction, so a restart or a crash resumes at the checkpoint and no
// event is stored twice. A checkpoint hash the node no longer has is a reorg: the index rewinds to
// the newest stored block the node still has. Another block 0 is a chain reset (the embedded
// chain restarted): the index starts over, and says so in the log.
import type { Deployment } from "../chain/deploy.ts";
import type { Logger } from "../logger.ts";
import { createEventDecoder, UNKNOWN_EVENT, type EventDecoder, type RpcLog } from "./events.ts";
import { createIndexerMetrics, type IndexerMetrics } from "./metrics.ts";
import type { Checkpoint, IndexerStore, IndexState } from "./store.ts";
import { chainError, misconfigured } from "../errors.ts";

/**
 * The JSON-RPC the indexer speaks (an ethers JsonRpcProvider is one): eth_blockNumber,
 * eth_getBlockByNumber and eth_getLogs, raw. Raw because ethers' Log and Block objects cost more
 * than the node's own work (checksums, formatting); concurrent calls still go out as one batch.
 */
export interface IndexerChain {
  send(method: string, params: unknown[]): Promise<unknown>;
}

interface BlockHeader {
  number: number;
  hash: string;
  /** unix seconds */
  timestamp: number;
}

export interface IndexerStatus {
  /** Last block whose events are all stored (the deployment block − 1 before the first batch). */
  indexedBlock: number;
  /** The node's latest block (the last one seen if the node does not answer). */
  headBlock: number;
  /** Final blocks not yet indexed: max(0, headBlock − confirmations − indexedBlock). */
  lagBlocks: number;
}

export interface Indexer {
  /** Indexes up to head − confirmations (as it is when each batch starts) and resolves with the status. */
  catchUp(): Promise<IndexerStatus>;
  /** Follows the chain in the background: catch up, then poll every pollIntervalMs; faults back off and retry. */
  start(): void;
  /** Finishes the current batch and stops the loop; the store stays open (its owner closes it). */
  stop(): Promise<void>;
  status(): Promise<IndexerStatus>;
  /** What this indexer stored since it was created. */
  stats(): { eventsStored: number; batches: number };
}

export const DEFAULT_BATCH_BLOCKS = 2000;
export const DEFAULT_POLL_INTERVAL_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
const PROGRESS_LOG_MS = 5000;
/** After a halving, the range doubles again once this many batches in a row succeeded. */
const GROW_AFTER_BATCHES = 5;

/**
 * How many blocks one eth_getLogs asks for: `maxBlocks`, halved each time the node refuses a range
 * as too large, doubled again (up to `maxBlocks`) after GROW_AFTER_BATCHES reads in a row succeed.
 * Pure: the indexer tells it what happened.
 */
export function createLogRange(maxBlocks: number, growAfter = GROW_AFTER_BATCHES) {
  let blocks = maxBlocks;
  let successes = 0;
  return {
    get blocks() {
      return blocks;
    },
    succeeded(): void {
      if (blocks < maxBlocks && ++successes >= growAfter) {
        blocks = Math.min(maxBlocks, blocks * 2);
        successes = 0;
      }
    },
    /** The node refused [from, to]: halves the range and returns the new `to`. */
    refused(from: number, to: number): number {
      blocks = Math.ceil((to - from + 1) / 2);
      successes = 0;
      return from + blocks - 1;
    },
  };
}
/** Stored blocks compared with the node per round trip when looking for where a reorg forked. */
const REWIND_PAGE = 100;

const RANGE_TOO_LARGE =
  /too many (results|logs|blocks)|more than [\d,]+ (results|logs)|response size|size exceeded|response (is )?too (big|large)|exceeds? (the )?(max|limit)|range (is )?too (large|wide|big)|limited to a [\d,]+|max(imum)? (block )?range|-32005|timeout/i;

/** Whether an eth_getLogs failure means "ask for fewer blocks" (the wording differs per node and provider). */
export function isRangeTooLarge(error: unknown): boolean {
  const texts: string[] = [];
  let cause = error as { message?: unknown; code?: unknown; error?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; cause && typeof cause === "object" && depth < 5; depth += 1) {
    texts.push(String(cause.message ?? ""), String(cause.code ?? ""));
    cause = (cause.error ?? cause.cause) as typeof cause;
  }
  return RANGE_TOO_LARGE.test(texts.join(" "));
}

export function createIndexer(options: {
  provider: IndexerChain;
  /** The deployment to index, or a function that reads it: read again when the chain is reset (the embedded chain redeploys). */
  deployment: Deployment | (() => Deployment);
  store: IndexerStore;
  logger: Logger;
  /** Blocks on top of a block before it is indexed (0: QBFT finality). */
  confirmations?: number;
  /** Blocks per eth_getLogs request (halved when the node refuses a range). */
  batchBlocks?: number;
  pollIntervalMs?: number;
  metrics?: IndexerMetrics;
}): Indexer {
  const { provider, store, confirmations = 0, batchBlocks = DEFAULT_BATCH_BLOCKS, pollIntervalMs = DEFAULT_POLL_INTERVAL_MS } = options;
  if (!Number.isInteger(confirmations) || confirmations < 0) throw misconfigured(`confirmations must be a whole number ≥ 0, not ${confirmations}`);
  if (!Number.isInteger(batchBlocks) || batchBlocks < 1) throw misconfigured(`batchBlocks must be a whole number ≥ 1, not ${batchBlocks}`);
  const logger = options.logger.child({ module: "indexer" });
  const metrics = options.metrics ?? createIndexerMetrics();
  const given = options.deployment;
  const readDeployment = typeof given === "function" ? given : () => given;

  let deployment = readDeployment();
  let decoder: EventDecoder = createEventDecoder(deployment.addresses);
  const range = createLogRange(batchBlocks);
  let lastHead: number | undefined;
  let eventsStored = 0;
  let batches = 0;
  let backfill: { startedAt: number; events: number; loggedAt: number } | undefined;
  /** The next range's logs, read while the current batch is stored. */
  let readAhead: { from: number; to: number; read: ReturnType<typeof readLogs> } | undefined;
  let caughtUpOnce = false;

  const quantity = (n: number) => `0x${n.toString(16)}`;

  async function headNumber(): Promise<number> {
    return Number(await provider.send("eth_blockNumber", []));
  }

  /** The block's header, or null when the node does not have it. */
  async function header(number: number): Promise<BlockHeader | null> {
    const found = (await provider.send("eth_getBlockByNumber", [quantity(number), false])) as { number: string; hash: string; timestamp: string } | null;
    return found?.hash ? { number: Number(found.number), hash: found.hash, timestamp: Number(found.timestamp) } : null;
  }

  async function block(number: number): Promise<BlockHeader> {
    const found = await header(number);
    if (!found) throw chainError("CHAIN_RPC_ERROR", `the node has no block ${number}`, true);
    return found;
  }

  /** The deployment on the chain whose block 0 is `genesisHash`; the record is read again if it names another chain. */
  function deploymentOn(genesisHash: string): Deployment {
    if (deployment.genesisHash !== genesisHash) {
      deployment = readDeployment();
      decoder = createEventDecoder(deployment.addresses);
      if (deployment.genesisHash !== genesisHash) {
        throw misconfigured(`the deployment record is for the chain whose block 0 is ${deployment.genesisHash}, but the node's block 0 is ${genesisHash}: `
          + "deploy PA Chain on this chain, or point the indexer at the chain of the deployment");
      }
    }
    return deployment;
  }

  /** The store's secondary indexes were dropped for this backfill and are not built yet. */
  let indexesDeferred = false;
  async function startOver(genesisHash: string, previous: IndexState | undefined): Promise<void> {
    readAhead = undefined;
    const d = deploymentOn(genesisHash);
    const start = await block(d.deploymentBlock - 1);
    await store.reset(
      { chainId: d.chainId, genesisHash, addresses: d.addresses, deploymentBlock: d.deploymentBlock },
      { block: start.number, hash: start.hash },
    );
    // A fresh index backfills without its secondary indexes and builds them once it has caught up
    // (about twice as fast into SQLite; docs/indexer.md). Until then its queries are slower, not wrong.
    await store.deferIndexes();
    indexesDeferred = true;
    const fields = { chainId: d.chainId, deploymentBlock: d.deploymentBlock, genesisHash };
    if (!previous) {
      logger.info(fields, "indexing PA Chain from its deployment block");
    } else {
      metrics.resets.inc();
      if (previous.genesisHash !== genesisHash) {
        logger.warn({ ...fields, storedGenesisHash: previous.genesisHash, storedBlock: previous.checkpoint.block }, "chain was reset (block 0 changed): index cleared, starting over");
      } else {
        logger.warn({ ...fields, storedAddresses: previous.addresses, addresses: d.addresses }, "PA Chain was redeployed: index cleared, starting over");
      }
    }
  }

  /** The checkpoint's block has another hash on the node: find the newest stored block the node still has, and go back there. */
  async function rewind(local: IndexState, nodeHash: string): Promise<void> {
    metrics.rewinds.inc();
    readAhead = undefined;
    const to = await forkPoint(local);
    await store.rewind(to);
    logger.warn(
      { checkpointBlock: local.checkpoint.block, storedHash: local.checkpoint.hash, nodeHash, rewoundTo: to.block },
      "reorg at the checkpoint: rewound the index",
    );
  }

  /** The newest stored block the node still has (or the block before the deployment). */
  async function forkPoint(local: IndexState): Promise<Checkpoint> {
    for (let below = local.checkpoint.block - 1; ;) {
      const stored = await store.eventBlocks(below, REWIND_PAGE);
      if (stored.length === 0) {
        const start = await block(local.deploymentBlock - 1);
        return { block: start.number, hash: start.hash };
      }
      const onNode = await Promise.all(stored.map((s) => header(s.block)));
      // A block hash commits to every block before it: the first match, newest first, is where the branches meet.
      const match = stored.find((s, i) => onNode[i]?.hash === s.hash);
      if (match) return match;
      below = stored[stored.length - 1].block - 1;
    }
  }

  /** eth_getLogs for [from, to], halving the range while the node says it is too large; also returns `to`'s block before the read. */
  async function readLogs(from: number, to: number): Promise<{ logs: RpcLog[]; to: number; before: BlockHeader }> {
    for (;;) {
      const before = await block(to);
      try {
        const logs = (await provider.send("eth_getLogs", [{ address: decoder.addresses, fromBlock: quantity(from), toBlock: quantity(to) }])) as RpcLog[];
        range.succeeded();
        return { logs, to, before };
      } catch (error) {
        if (to === from || !isRangeTooLarge(error)) throw error;
        const refusedTo = to;
        to = range.refused(from, to);
        logger.warn({ fromBlock: from, toBlock: refusedTo, nextBlocks: range.blocks, err: (error as Error).message }, "node refused the log range: halving it");
      }
    }
  }

  // When the index was last at head − confirmations (elapsed time, not a date).
  let caughtUpAt = performance.now();
  function noteHead(head: number, indexed: number): void {
    lastHead = head;
    const lag = Math.max(0, head - confirmations - indexed);
    if (lag === 0) caughtUpAt = performance.now();
    metrics.headBlock.set(head);
    metrics.indexedBlock.set(indexed);
    metrics.lagBlocks.set(lag);
    metrics.lagSeconds.set(lag === 0 ? 0 : (performance.now() - caughtUpAt) / 1000);
  }

  /** One unit of work; resolves true when the index is at head − confirmations. */
  async function step(): Promise<boolean> {
    const stepStartedAt = Date.now();
    const local = await store.state();
    const [head, genesis, atCheckpoint] = await Promise.all([
      headNumber(),
      block(0),
      local ? header(local.checkpoint.block) : Promise.resolve(null),
    ]);
    const d = deploymentOn(genesis.hash);
    if (!local || local.genesisHash !== genesis.hash || !sameDeployment(local, d)) {
      await startOver(genesis.hash, local);
      return false;
    }
    if (atCheckpoint && atCheckpoint.hash !== local.checkpoint.hash) {
      await rewind(local, atCheckpoint.hash);
      return false;
    }
    const target = head - confirmations;
    // No block at the checkpoint: the node is behind the index (still syncing, or a shorter branch): wait.
    if (!atCheckpoint || local.checkpoint.block >= target) {
      if (indexesDeferred && atCheckpoint) {
        await store.buildIndexes();
        indexesDeferred = false;
      }
      noteHead(head, local.checkpoint.block);
      if (backfill) {
        const seconds = Math.max(0.001, (Date.now() - backfill.startedAt) / 1000);
        const fields = { indexedBlock: local.checkpoint.block, events: backfill.events, seconds, eventsPerSecond: Math.round(backfill.events / seconds) };
        // The first catch-up is the backfill worth reporting; later ones are a few new blocks each.
        if (caughtUpOnce) logger.debug(fields, "index caught up with the chain");
        else logger.info(fields, "index caught up with the chain");
        backfill = undefined;
      }
      caughtUpOnce = true;
      return true;
    }

    const from = local.checkpoint.block + 1;
    const wanted = Math.min(target, from + range.blocks - 1);
    const ahead = readAhead;
    readAhead = undefined;
    const { logs, to, before } = await (ahead && ahead.from === from && ahead.to <= wanted ? ahead.read : readLogs(from, wanted));
    const live = logs.filter((l) => !l.removed);
    // Block times: from the logs where the node includes them (`blockTimestamp`: Hardhat/EDR, geth
    // ≥ 1.16), else from the headers of the blocks with logs, fetched in one batch.
    const untimed = live.filter((l) => l.blockTimestamp === undefined).map((l) => Number(l.blockNumber));
    const numbers = [...new Set([...untimed, to])];
    const blocks = new Map((await Promise.all(numbers.map(block))).map((b) => [b.number, b]));
    // The node may have switched branches while we read: `to` must be the block seen before the
    // read (its hash commits to every block below it), every log must carry the hash of its
    // block's header where we fetched one, and one hash per block where we did not.
    const hashes = new Map<number, string>();
    const changed = blocks.get(to)!.hash !== before.hash || live.some((l) => {
      const n = Number(l.blockNumber);
      const known = blocks.get(n)?.hash ?? hashes.get(n);
      if (known === undefined) hashes.set(n, l.blockHash);
      return known !== undefined && known !== l.blockHash;
    });
    if (changed) {
      logger.warn({ fromBlock: from, toBlock: to }, "the chain changed while reading a batch: reading it again");
      return false;
    }
    const events = live
      .map((l) => decoder.decode(l, l.blockTimestamp === undefined ? blocks.get(Number(l.blockNumber))!.timestamp : Number(l.blockTimestamp)))
      .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    for (const e of events) {
      if (e.event === UNKNOWN_EVENT) logger.warn({ txHash: e.txHash, logIndex: e.logIndex, contract: e.contract, error: e.args.error }, "log not decoded by the contract's ABI: stored raw");
    }
    // Read the next range while this one is stored: the node works (in its own process) while the
    // store does. The next step uses it only if it starts where this batch ends, after checking
    // the checkpoint's hash as every step does, so a reorg meanwhile is still seen.
    if (to < target) {
      const next = { from: to + 1, to: Math.min(target, to + range.blocks) };
      const read = readLogs(next.from, next.to);
      read.catch(() => undefined); // a failure surfaces when the next step awaits it
      readAhead = { ...next, read };
    }
    const added = await store.append(events, local.checkpoint, { block: to, hash: blocks.get(to)!.hash });
    for (const e of events) metrics.events.inc({ contract: e.contract, event: e.event });
    eventsStored += added;
    batches += 1;
    noteHead(head, to);

    const now = Date.now();
    backfill ??= { startedAt: stepStartedAt, events: 0, loggedAt: now };
    backfill.events += added;
    logger.debug({ fromBlock: from, toBlock: to, events: added }, "batch indexed");
    if (now - backfill.loggedAt >= PROGRESS_LOG_MS) {
      backfill.loggedAt = now;
      const seconds = Math.max(0.001, (now - backfill.startedAt) / 1000);
      logger.info({ indexedBlock: to, targetBlock: target, events: backfill.events, eventsPerSecond: Math.round(backfill.events / seconds) }, "indexing");
    }
    return to >= target;
  }

  // One step at a time, whether it comes from catchUp() or the loop.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
    });

  async function status(): Promise<IndexerStatus> {
    const local = await store.state();
    try {
      lastHead = await headNumber();
    } catch (error) {
      logger.debug({ err: (error as Error).message }, "node did not answer: status with the last head seen");
    }
    const indexedBlock = local?.checkpoint.block ?? deployment.deploymentBlock - 1;
    const headBlock = lastHead ?? indexedBlock;
    return { indexedBlock, headBlock, lagBlocks: Math.max(0, headBlock - confirmations - indexedBlock) };
  }

  return {
    async catchUp() {
      while (!(await exclusive(step)));
      return status();
    },
    start() {
      if (loop) return;
      running = true;
      loop = (async () => {
        let backoff = 0;
        while (running) {
          try {
            const caughtUp = await exclusive(step);
            if (backoff > 0) logger.info("indexer recovered");
            backoff = 0;
            if (caughtUp && running) await sleep(pollIntervalMs);
          } catch (error) {
            backoff = Math.min(backoff === 0 ? 500 : backoff * 2, MAX_BACKOFF_MS);
            logger.warn({ err: error, retryInMs: backoff }, "indexing step failed");
            if (running) await sleep(backoff);
          }
        }
      })();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
    },
    status,
    stats: () => ({ eventsStored, batches }),
  };
}

function sameDeployment(local: IndexState, deployment: Deployment): boolean {
  const keys = Object.keys(deployment.addresses) as Array<keyof Deployment["addresses"]>;
  return local.deploymentBlock === deployment.deploymentBlock
    && keys.every((key) => local.addresses[key]?.toLowerCase() === deployment.addresses[key].toLowerCase());
}
