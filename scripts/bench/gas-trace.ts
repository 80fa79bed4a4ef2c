// Where a transaction's gas goes, from the node's own opcode trace (debug_traceTransaction): every
// instruction's cost put in one of a few kinds (new storage slot, cold read, event, signature
// recovery, call between contracts, …) and in the contract whose code ran it. The benchmark traces
// one mined payroll transaction and one ingestion batch of each source with it, so a missed gas
// target is explained by the figures of the run itself, not by a hand-written estimate.
import type { JsonRpcProvider } from "ethers";

export interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

/** Gas of one transaction by kind and by contract, and per unit (payment, record) of its work. */
export interface GasBreakdown {
  /** Payments or records the transaction carried. */
  units: number;
  /** The receipt's gasUsed. */
  gasUsed: number;
  /** Gas per unit by kind, largest first; they add up to gasUsed / units. */
  perUnit: Array<{ kind: string; gas: number }>;
  /** Gas per unit by the contract whose code ran it (intrinsic gas under "transaction"). */
  perUnitByContract: Array<{ contract: string; gas: number }>;
  /** Instructions executed per unit. */
  stepsPerUnit: number;
}

export const KINDS = {
  newSlot: "storage: new slot (SSTORE 0 → x)",
  firstWrite: "storage: first write of an existing slot",
  warmWrite: "storage: repeated write",
  coldRead: "storage: cold read (SLOAD 2,100)",
  warmRead: "storage: warm read",
  event: "events (LOG)",
  ecrecover: "signature recovery (ecrecover precompile)",
  precompile: "other precompiles",
  call: "calls between contracts (overhead)",
  hash: "hashing (KECCAK256)",
  memory: "memory and ABI copying (MLOAD, MSTORE, *COPY, CALLDATALOAD)",
  jumps: "control flow (JUMP, JUMPI, JUMPDEST)",
  compute: "arithmetic, comparisons, stack",
  intrinsic: "transaction: base, calldata, refunds",
} as const;

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
const MEMORY = new Set(["MLOAD", "MSTORE", "MSTORE8", "MCOPY", "CALLDATALOAD", "CALLDATACOPY", "RETURNDATACOPY", "CODECOPY", "RETURN", "REVERT"]);
const JUMPS = new Set(["JUMP", "JUMPI", "JUMPDEST"]);
const CREATES = new Set(["CREATE", "CREATE2"]);

/** Precompiles run no bytecode, so a call to one shows no deeper instructions: 0x01 (ecrecover) to 0x11, and 0x100 (P256VERIFY). */
function isPrecompile(address: bigint): boolean {
  return (address >= 1n && address <= 0x11n) || address === 0x100n;
}

function kindOf(log: StructLog, cost: number, target: bigint | undefined): string {
  switch (log.op) {
    case "SSTORE":
      return cost >= 20_000 ? KINDS.newSlot : cost >= 2_900 ? KINDS.firstWrite : KINDS.warmWrite;
    case "SLOAD":
      return cost >= 2_100 ? KINDS.coldRead : KINDS.warmRead;
    case "KECCAK256":
    case "SHA3":
      return KINDS.hash;
    default:
      if (log.op.startsWith("LOG")) return KINDS.event;
      if (CALLS.has(log.op) && target !== undefined && isPrecompile(target)) return target === 1n ? KINDS.ecrecover : KINDS.precompile;
      if (CALLS.has(log.op) || CREATES.has(log.op)) return KINDS.call;
      if (MEMORY.has(log.op)) return KINDS.memory;
      if (JUMPS.has(log.op)) return KINDS.jumps;
      return KINDS.compute;
  }
}

/**
 * Attributes each instruction's own cost (a call's overhead without what the callee spent, which
 * is attributed to the callee's instructions) to a kind and a contract. `to` is the called contract,
 * `names` maps lower-case addresses to names.
 */
export function attribute(logs: readonly StructLog[], to: string, names: ReadonlyMap<string, string>): { byKind: Map<string, number>; byContract: Map<string, number>; executed: number } {
  const byKind = new Map<string, number>();
  const byContract = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const nameOf = (address: string) => names.get(address.toLowerCase()) ?? address.toLowerCase();
  // The code running at each depth (a DELEGATECALL's code is the target's, its storage the caller's).
  const codeAt: string[] = [];
  codeAt[1] = nameOf(to);
  let executed = 0;
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    const next = logs[i + 1];
    const stack = log.stack;
    const target = CALLS.has(log.op) && stack && stack.length >= 2 ? BigInt(stack[stack.length - 2]) : undefined;
    let cost: number;
    if (next && next.depth === log.depth) {
      cost = log.gas - next.gas;
    } else if (next && next.depth > log.depth) {
      // A call into code: its cost here is what it took from this frame minus what the callee used.
      let j = i + 1;
      let last = i + 1;
      while (j < logs.length && logs[j].depth > log.depth) {
        if (logs[j].depth === log.depth + 1) last = j;
        j++;
      }
      const calleeUsed = logs[i + 1].gas - (logs[last].gas - logs[last].gasCost);
      const inclusive = j < logs.length ? log.gas - logs[j].gas : log.gasCost;
      cost = inclusive - calleeUsed;
      codeAt[log.depth + 1] = target === undefined ? "created contract" : nameOf(`0x${target.toString(16).padStart(40, "0")}`);
    } else {
      // The frame's last instruction (STOP, RETURN, REVERT): its own cost is what the node reports.
      cost = log.gasCost;
    }
    executed += cost;
    add(byKind, kindOf(log, cost, target), cost);
    add(byContract, codeAt[log.depth] ?? "unknown", cost);
  }
  return { byKind, byContract, executed };
}

/**
 * Longest wait for one trace. The node re-executes the transaction on the state before it; a
 * 100,000-person chain's trace of an ingestion batch outlived the node's 300 s request timeout
 * (the connection was closed), so the benchmark traces recent transactions and gives up in time.
 */
const TRACE_TIMEOUT_MS = 120_000;

/** Traces a mined transaction and breaks its gas down per unit of work. */
export async function traceGas(provider: JsonRpcProvider, hash: string, units: number, names: ReadonlyMap<string, string>): Promise<GasBreakdown | undefined> {
  try {
    // The transaction and its receipt first: asked after a long trace, a connection the node
    // closed while tracing (keep-alive) answered "socket hang up" and failed a 30,000-person run.
    const [tx, receipt] = await Promise.all([provider.getTransaction(hash), provider.getTransactionReceipt(hash)]);
    if (!tx || !receipt || !tx.to) return undefined;
    const started = performance.now();
    const trace = await withTimeout(
      provider.send("debug_traceTransaction", [hash, { disableMemory: true, disableStorage: true }]) as Promise<{ structLogs: StructLog[] }>,
      TRACE_TIMEOUT_MS,
    );
    process.stderr.write(`traced ${hash} (${trace.structLogs.length.toLocaleString("en")} instructions) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    const { byKind, byContract, executed } = attribute(trace.structLogs, tx.to, names);
    const gasUsed = Number(receipt.gasUsed);
    // Intrinsic gas (21,000 and the calldata) less the refunds: what the receipt charged beyond execution.
    byKind.set(KINDS.intrinsic, gasUsed - executed);
    byContract.set("transaction", gasUsed - executed);
    const per = (m: Map<string, number>) => [...m].map(([k, v]) => ({ k, gas: v / units })).sort((a, b) => b.gas - a.gas);
    return {
      units, gasUsed,
      perUnit: per(byKind).map(({ k, gas }) => ({ kind: k, gas })),
      perUnitByContract: per(byContract).map(({ k, gas }) => ({ contract: k, gas })),
      stepsPerUnit: trace.structLogs.length / units,
    };
  } catch (error) {
    // A node that cannot trace (or not in time): the report says the breakdown is missing rather
    // than guessing it, and the benchmark goes on.
    process.stderr.write(`trace of ${hash} failed: ${(error as Error).message}\n`);
    return undefined;
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    })]);
  } finally {
    clearTimeout(timer);
  }
}

/** Breakdowns of several transactions as one, weighted by the units each stands for (e.g. each source's share of the records). */
export function weighted(parts: ReadonlyArray<{ breakdown: GasBreakdown; weight: number }>): GasBreakdown | undefined {
  const total = parts.reduce((n, p) => n + p.weight, 0);
  if (parts.length === 0 || total === 0) return undefined;
  const sum = (pick: (b: GasBreakdown) => Array<{ key: string; gas: number }>) => {
    const m = new Map<string, number>();
    for (const { breakdown, weight } of parts) for (const { key, gas } of pick(breakdown)) m.set(key, (m.get(key) ?? 0) + (gas * weight) / total);
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  return {
    units: parts.reduce((n, p) => n + p.breakdown.units, 0),
    gasUsed: parts.reduce((n, p) => n + p.breakdown.gasUsed, 0),
    perUnit: sum((b) => b.perUnit.map((x) => ({ key: x.kind, gas: x.gas }))).map(([kind, gas]) => ({ kind, gas })),
    perUnitByContract: sum((b) => b.perUnitByContract.map((x) => ({ key: x.contract, gas: x.gas }))).map(([contract, gas]) => ({ contract, gas })),
    stepsPerUnit: parts.reduce((n, p) => n + (p.breakdown.stepsPerUnit * p.weight) / total, 0),
  };
}
