// A JSON-RPC proxy in front of a Hardhat node that answers like a Hyperledger Besu node, records
// every call and transaction, and injects the faults a Besu network inflicts on a relayer with many
// transactions in flight from one account. Used by the production-path test and the fault suite.
//
// What it models of Besu (and Hardhat's automining node does not do by itself):
// - Node-specific methods (hardhat_*, evm_*, debug_*, eth_sendTransaction, …) are "Method not found".
// - A transaction pool in front of the node: a transaction whose nonce is ahead of the sender's
//   next one is *queued* (acknowledged, not mined) until the gap is filled, as Besu does, instead of
//   Hardhat's "Nonce too high"; a second transaction with a (sender, nonce) already in the pool is
//   "Replacement transaction underpriced" (at gas price 0 nothing can out-bid it), the same one again
//   "Known transaction"; eth_getTransactionByHash finds pooled transactions.
// Faults (inject()):
// - drop: the next transaction is acknowledged, then evicted from the pool (never mined).
// - gap: the same, and the sender's following transactions queue behind the missing nonce.
// - restart: the node restarts: its pool (held and queued transactions) is lost and it answers
//   nothing for `ms`.
// - underpriced: the next transaction is held and the node the client asks next has not seen it
//   (a load-balanced RPC before gossip, 15 s): lookups answer null until the client sends that
//   nonce again: the same transaction is "Known transaction", another one "Replacement
//   transaction underpriced".
// - nonce-too-low: a competing transaction from the same account (another process with the key)
//   takes the next transaction's nonce first: the node answers "Nonce too low".
// - pool-full: the sender's pool limit is reached: the next `count` transactions are refused.
// - block-delay: no block for `ms` (10 s): transactions are acknowledged and held, then mined.
// - unseen: the next transaction is mined, but the node the client asks next lags behind and never
//   pooled it (a load-balanced RPC): its receipt and its lookup by hash answer null for `ms`, so the
//   client believes it lost and sends its items again in a new transaction.
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { Transaction, Wallet, type TransactionLike } from "ethers";
import { freePort } from "../../src/node/processes.ts";

/** Methods Besu does not have: the proxy refuses them as Besu does. */
const NODE_SPECIFIC = /^(hardhat|evm|debug|anvil|ganache|eth_sign$|eth_sendTransaction$|personal)_?/;
const RPC_ERROR = -32000;

export type BesuFault = "drop" | "gap" | "restart" | "underpriced" | "nonce-too-low" | "pool-full" | "block-delay" | "unseen";

export interface Recording {
  methods: Map<string, number>;
  refused: string[];
  transactions: Transaction[];
  /** What the pool did: queued behind a gap, evicted, refused, … by kind. */
  effects: Map<string, number>;
}

export interface BesuProxy {
  url: string;
  recording: Recording;
  /** Arms a fault for the next transaction (or, for restart and block-delay, now). */
  inject(fault: BesuFault, options?: { ms?: number; count?: number }): void;
  /** Transactions acknowledged and not yet forwarded to the node (held or queued). */
  pooled(): number;
  close(): void;
}

interface Pooled {
  tx: Transaction;
  raw: string;
  /** Hidden from lookups (the "underpriced" fault) until another transaction takes its nonce. */
  hidden: boolean;
}

export async function startBesuProxy(target: string, options: { keys?: readonly string[] } = {}): Promise<BesuProxy> {
  const recording: Recording = { methods: new Map(), refused: [], transactions: [], effects: new Map() };
  const wallets = new Map((options.keys ?? []).map((k) => { const w = new Wallet(k); return [w.address.toLowerCase(), w]; }));
  const pool = new Map<string, Pooled>();
  const armed: Array<{ fault: BesuFault; count: number }> = [];
  let heldUntil = 0;
  let downUntil = 0;
  /** Hashes of mined transactions the lagging node does not show yet (the "unseen" fault), until when. */
  const unseen = new Map<string, number>();
  const isUnseen = (hash: string) => (unseen.get(hash.toLowerCase()) ?? 0) > Date.now();
  const effect = (kind: string, n = 1) => recording.effects.set(kind, (recording.effects.get(kind) ?? 0) + n);

  const upstream = async (method: string, params: unknown[]): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> => {
    const response = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
  };
  // The node's own next nonce, its mempool included (a Hardhat node with timed blocks keeps one).
  const nodeNonce = async (address: string) => Number((await upstream("eth_getTransactionCount", [address, "pending"])).result);

  /** Forwards, in nonce order, every pooled transaction that is due (not held) and next for its sender. */
  let releasing: Promise<void> = Promise.resolve();
  const release = () => (releasing = releasing.then(async () => {
    if (Date.now() < heldUntil) return;
    const senders = new Set([...pool.values()].filter((p) => !p.hidden).map((p) => p.tx.from!.toLowerCase()));
    for (const sender of senders) {
      let next = await nodeNonce(sender);
      for (;;) {
        const entry = [...pool.entries()].find(([, p]) => p.tx.from!.toLowerCase() === sender && p.tx.nonce === next && !p.hidden);
        if (!entry) break;
        pool.delete(entry[0]);
        await upstream("eth_sendRawTransaction", [entry[1].raw]);
        next += 1;
      }
    }
  }).catch(() => undefined));
  const ticker = setInterval(() => void release(), 250);

  async function sendRaw(raw: string): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
    const tx = Transaction.from(raw);
    recording.transactions.push(tx);
    const sender = tx.from!.toLowerCase();
    const hash = tx.hash!;
    const fault = armed[0];
    if (fault?.fault === "pool-full") {
      if (--fault.count <= 0) armed.shift();
      effect("refused: sender's pool limit");
      return { error: { code: RPC_ERROR, message: "Transaction nonce is too distant from current sender nonce" } };
    }
    if (pool.has(hash)) {
      // The node that holds it answers this time: the client learns it is pooled.
      pool.get(hash)!.hidden = false;
      effect("resent, known transaction");
      return { error: { code: RPC_ERROR, message: "Known transaction" } };
    }
    const sameNonce = [...pool.entries()].find(([, p]) => p.tx.from!.toLowerCase() === sender && p.tx.nonce === tx.nonce);
    if (sameNonce) {
      // The pooled one was hidden from the client: now that it competes, it shows (and is mined).
      sameNonce[1].hidden = false;
      effect("refused: replacement underpriced");
      return { error: { code: RPC_ERROR, message: "Replacement transaction underpriced" } };
    }
    if (fault?.fault === "unseen") {
      armed.shift();
      unseen.set(hash.toLowerCase(), Date.now() + fault.count);
      effect("mined, unseen by the next node");
    }
    if (fault && ["drop", "gap", "underpriced", "nonce-too-low"].includes(fault.fault)) {
      armed.shift();
      if (fault.fault === "drop" || fault.fault === "gap") {
        effect(`evicted (${fault.fault})`);
        return { result: hash };
      }
      if (fault.fault === "underpriced") {
        pool.set(hash, { tx, raw, hidden: true });
        effect("held, not yet visible");
        // Gossip reaches every node within seconds.
        setTimeout(() => { const p = pool.get(hash); if (p) p.hidden = false; }, 15_000).unref();
        return { result: hash };
      }
      const competitor = wallets.get(sender);
      if (competitor) {
        const competing = await competitor.signTransaction({
          type: tx.type, chainId: tx.chainId, nonce: tx.nonce, to: competitor.address, value: 0n, gasLimit: 21_000n,
          ...(tx.type === 2 ? { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas } : { gasPrice: tx.gasPrice }),
        } as TransactionLike);
        await upstream("eth_sendRawTransaction", [competing]);
        effect("competing send");
      }
    }
    const next = await nodeNonce(sender);
    if (tx.nonce < next) return { error: { code: RPC_ERROR, message: "Nonce too low" } };
    if (tx.nonce > next || Date.now() < heldUntil || [...pool.values()].some((p) => p.tx.from!.toLowerCase() === sender)) {
      pool.set(hash, { tx, raw, hidden: false });
      effect(tx.nonce > next ? "queued behind a nonce gap" : "held for the next block");
      void release();
      return { result: hash };
    }
    return upstream("eth_sendRawTransaction", [raw]);
  }

  async function answer(call: { id: unknown; method: string; params?: unknown[] }): Promise<unknown> {
    recording.methods.set(call.method, (recording.methods.get(call.method) ?? 0) + 1);
    const reply = (body: { result?: unknown; error?: unknown }) =>
      ({ jsonrpc: "2.0", id: call.id, ...(body.error !== undefined ? { error: body.error } : { result: body.result ?? null }) });
    if (NODE_SPECIFIC.test(call.method)) {
      recording.refused.push(call.method);
      return reply({ error: { code: -32601, message: "Method not found" } });
    }
    const params = call.params ?? [];
    if (call.method === "eth_sendRawTransaction") return reply(await sendRaw(String(params[0])));
    if (call.method === "eth_getTransactionCount" && params[1] === "pending") {
      // Besu counts the sender's pooled transactions that follow on without a gap.
      const sender = String(params[0]).toLowerCase();
      let next = await nodeNonce(sender);
      while ([...pool.values()].some((p) => p.tx.from!.toLowerCase() === sender && p.tx.nonce === next && !p.hidden)) next += 1;
      return reply({ result: hex(next) });
    }
    if ((call.method === "eth_getTransactionByHash" || call.method === "eth_getTransactionReceipt") && isUnseen(String(params[0]))) {
      return reply({ result: null });
    }
    if (call.method === "eth_getTransactionByHash") {
      const pooled = pool.get(String(params[0]));
      if (pooled) return reply({ result: pooled.hidden ? null : pendingJson(pooled.tx) });
    }
    return reply(await upstream(call.method, params));
  }

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (Date.now() < downUntil) {
      // A restarting node: the connection is refused (dropped without an answer).
      req.socket.destroy();
      return;
    }
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const calls: Array<{ id: unknown; method: string; params?: unknown[] }> = Array.isArray(body) ? body : [body];
      const answers = await Promise.all(calls.map(answer));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
    } catch {
      req.socket.destroy();
    }
  });
  const openSockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    openSockets.add(socket);
    socket.on("close", () => openSockets.delete(socket));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    recording,
    inject(fault, { ms = 10_000, count = 3 } = {}) {
      if (fault === "restart") {
        effect("node restarts");
        effect("lost in a restart", pool.size);
        pool.clear();
        downUntil = Date.now() + ms;
        for (const socket of openSockets) socket.destroy();
      } else if (fault === "block-delay") {
        heldUntil = Date.now() + ms;
      } else if (fault === "unseen") {
        // How long the lagging node hides it, carried in the armed entry's count.
        armed.push({ fault, count: ms });
      } else {
        armed.push({ fault, count });
      }
    },
    pooled: () => pool.size,
    close() {
      clearInterval(ticker);
      for (const socket of openSockets) socket.destroy();
      server.close();
    },
  };
}

const hex = (n: bigint | number | null | undefined) => `0x${BigInt(n ?? 0).toString(16)}`;

/** A pooled transaction as eth_getTransactionByHash answers it: not in a block yet. */
function pendingJson(tx: Transaction): Record<string, unknown> {
  return {
    hash: tx.hash, from: tx.from, to: tx.to, nonce: hex(tx.nonce), gas: hex(tx.gasLimit), value: hex(tx.value), input: tx.data,
    chainId: hex(tx.chainId), type: hex(tx.type),
    ...(tx.type === 2 ? { maxFeePerGas: hex(tx.maxFeePerGas), maxPriorityFeePerGas: hex(tx.maxPriorityFeePerGas), gasPrice: hex(tx.maxFeePerGas) } : { gasPrice: hex(tx.gasPrice) }),
    r: tx.signature!.r, s: tx.signature!.s, v: hex(tx.signature!.v), ...(tx.type === 0 ? {} : { yParity: hex(tx.signature!.yParity) }),
    blockHash: null, blockNumber: null, transactionIndex: null,
  };
}
