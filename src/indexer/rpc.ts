// The indexer's JSON-RPC client: fetch and JSON.parse, nothing else. Why not ethers'
// JsonRpcProvider: it decodes a response body with its own JavaScript UTF-8 decoder, which on a
// backfill's large eth_getLogs answers (40 MB for 60,000 logs) took ~29 s where fetch + JSON.parse
// take ~2.5 s — most of a backfill's time. Calls made in the same tick go out as one JSON-RPC
// batch (the block headers of a range), as ethers does with batchStallTime 0.
import type { IndexerChain } from "./indexer.ts";
import { PaChainError, chainError } from "../errors.ts";

/** Longest wait for one HTTP request: a range too large for the node shows up as this timeout (and is halved). */
const REQUEST_TIMEOUT_MS = 120_000;
/** Calls per batch request (Besu's default --rpc-http-max-batch-size is 1024). */
const MAX_BATCH = 500;

/** An error answered by the node; `error` is shaped as ethers' is, so isRangeTooLarge reads either. */
export class JsonRpcError extends PaChainError {
  /** The node's JSON-RPC error code, e.g. -32005. */
  readonly rpcCode: number;
  readonly error: { code: number; message: string; data?: unknown };

  constructor(method: string, error: { code: number; message: string; data?: unknown }) {
    super("CHAIN_RPC_ERROR", `${method}: ${error.message} (JSON-RPC error ${error.code})`, { status: 502, retryable: true });
    this.rpcCode = error.code;
    this.error = error;
  }
}

export interface IndexerRpc extends IndexerChain {
  destroy(): void;
}

interface Call {
  id: number;
  method: string;
  params: unknown[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export function createIndexerRpc(url: string, options: { timeoutMs?: number } = {}): IndexerRpc {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  let nextId = 1;
  let queue: Call[] = [];
  let destroyed = false;
  const inFlight = new Set<AbortController>();

  async function post(calls: Call[]): Promise<void> {
    const body = calls.length === 1 ? request(calls[0]) : calls.map(request);
    const abort = new AbortController();
    inFlight.add(abort);
    const timer = setTimeout(() => abort.abort(new Error(`request timeout after ${timeoutMs} ms (${calls[0].method}${calls.length > 1 ? ` and ${calls.length - 1} more` : ""})`)), timeoutMs);
    try {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: abort.signal });
      const text = await response.text();
      let parsed: Reply | Reply[];
      try {
        parsed = JSON.parse(text) as Reply | Reply[];
      } catch {
        throw chainError("CHAIN_RPC_ERROR", `the node at ${url} answered HTTP ${response.status} with no JSON-RPC response: ${text.slice(0, 200)}`, true);
      }
      const replies = new Map((Array.isArray(parsed) ? parsed : [parsed]).map((reply) => [reply.id, reply]));
      for (const call of calls) {
        const reply = replies.get(call.id) ?? (calls.length === 1 && !Array.isArray(parsed) ? parsed : undefined);
        if (!reply) call.reject(new Error(`the node at ${url} did not answer ${call.method} (HTTP ${response.status})`));
        else if (reply.error) call.reject(new JsonRpcError(call.method, reply.error));
        else call.resolve(reply.result ?? null);
      }
    } catch (error) {
      for (const call of calls) call.reject(error);
    } finally {
      clearTimeout(timer);
      inFlight.delete(abort);
    }
  }

  function flush(): void {
    const calls = queue;
    queue = [];
    for (let i = 0; i < calls.length; i += MAX_BATCH) void post(calls.slice(i, i + MAX_BATCH));
  }

  return {
    send(method, params) {
      if (destroyed) return Promise.reject(new Error("the indexer's JSON-RPC client was closed"));
      return new Promise((resolve, reject) => {
        if (queue.length === 0) queueMicrotask(flush);
        queue.push({ id: nextId++, method, params, resolve, reject });
      });
    },
    destroy() {
      destroyed = true;
      for (const abort of inFlight) abort.abort(new Error("the indexer's JSON-RPC client was closed"));
    },
  };
}

function request(call: Call) {
  return { jsonrpc: "2.0", id: call.id, method: call.method, params: call.params };
}
