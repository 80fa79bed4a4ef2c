// Payroll: one monthly run through the real relayer (BenefitLedger.recordPayments, every rule
// checked on chain), against a naive ledger written only for the benchmark (one transaction and one
// struct per payment, no checks), both on the same node in the same run.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ContractFactory, Interface, Wallet } from "ethers";
import { benefitId } from "../../src/domain/catalog.ts";
import { payrollReport, readPayrollOrder, startPayrollRun } from "../../src/oracle/payroll.ts";
import type { PaymentPayload } from "../../src/oracle/relayer.ts";
import type { OracleRuntime } from "../../src/oracle/wiring.ts";
import { receiptOf, sumGas } from "./ingest.ts";
import { progress } from "./progress.ts";
import type { BenchChain } from "./system.ts";

const NAIVE_ARTIFACT = fileURLToPath(new URL("../../artifacts/contracts/bench/NaiveLedger.sol/NaiveLedger.json", import.meta.url));
const NAIVE_WINDOW = 32;
const NAIVE_GAS_LIMIT = 200_000n;
const POLL_MS = 25;

export interface PayrollRun {
  period: number;
  orders: number;
  paid: number;
  seconds: number;
  paymentsPerSecond: number;
  transactions: number;
  gasPerPayment: number;
  /** Of `seconds`, reading the payees' registry numbers for the run's order (readPayrollOrder). */
  orderSeconds?: number;
}

export interface PaymentOrder { subject: string; benefitId: string; period: number; amountCents: number }

/** Two periods up to the chain's month that share one word of the ledger's payment bitmap (256 months). */
export function payrollPeriods(today: Date): { first: number; steady: number } {
  const index = today.getUTCFullYear() * 12 + today.getUTCMonth();
  const steady = index % 256 === 0 ? index - 1 : index;
  const period = (i: number) => Math.floor(i / 12) * 100 + (i % 12) + 1;
  return { first: period(steady - 1), steady: period(steady) };
}

/** Orders one payroll run for `period` (in registry-number order) and waits until the oracle's relayer has settled every order. */
export async function runPayroll(
  runtime: OracleRuntime, bench: BenchChain, period: number, label: string, registryNumbers: Map<string, number>,
): Promise<{ run: PayrollRun; orders: PaymentOrder[]; busiest: { txHash: string; payments: number } | undefined }> {
  const started = performance.now();
  // Reading the payees' registry numbers is part of the payroll's time; a later month reads only new payees.
  const order = await readPayrollOrder(runtime.store, runtime.catalog, runtime.contracts.facts, registryNumbers);
  const orderSeconds = (performance.now() - started) / 1000;
  const { run, orders } = startPayrollRun(runtime.store, runtime.catalog, period, order);
  const bar = progress(label, orders);
  // Polled by the count of unsettled payments (an index lookup): the whole run's report reads and
  // parses every item, and polled every 25 ms in the oracle's own process it took the relayer's
  // core (at 30,000 people the checked payroll then ran slower than one transaction per payment).
  for (;;) {
    const pending = runtime.store.pendingCount("payment");
    bar.update(orders - pending);
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const seconds = (performance.now() - started) / 1000;
  const report = payrollReport(runtime.store, period, run);
  const items = runtime.store.payrollItems(period, run);
  const { gas, transactions } = await sumGas(bench.provider, items.map((i) => i.txHash!));
  const paymentsByTx = new Map<string, number>();
  const paid = items.flatMap((i) => {
    const outcome = JSON.parse(i.outcome ?? "{}") as { recorded?: boolean; amountCents?: number };
    if (!outcome.recorded) return [];
    paymentsByTx.set(i.txHash!, (paymentsByTx.get(i.txHash!) ?? 0) + 1);
    const p = JSON.parse(i.payload) as PaymentPayload;
    return [{ subject: p.subject, benefitId: benefitId(p.benefit), period: p.period, amountCents: outcome.amountCents! }];
  });
  // The transaction that carried the most payments: the one the gas trace breaks down.
  const [busiest] = [...paymentsByTx].sort((a, b) => b[1] - a[1]).map(([txHash, payments]) => ({ txHash, payments }));
  const result: PayrollRun = {
    period, orders, paid: report.paid, seconds, orderSeconds, paymentsPerSecond: report.paid / seconds, transactions,
    // Every transaction's gas (the 21k base, calldata, refused orders) is carried by the payments made.
    gasPerPayment: gas / Math.max(1, report.paid),
  };
  bar.done(`${result.paymentsPerSecond.toFixed(0)} payments/s, ${Math.round(result.gasPerPayment)} gas each`);
  return { run: result, orders: paid, busiest };
}

/** What one payment does in the EVM, from a trace of a batch (nothing mined). */
export interface PaymentTrace {
  /** Storage slots that were zero before and are set after, per payment. */
  newSlotsPerPayment: number;
  /** EVM instructions executed per payment: a node's time follows them more than gas. */
  evmStepsPerPayment: number;
}

/**
 * Traces a payment batch with debug_traceCall (nothing is mined) and compares each slot the called
 * contract writes with its value before. Undefined if the node cannot trace.
 */
export async function tracePayments(bench: BenchChain, from: string, to: string, data: string, payments: number): Promise<PaymentTrace | undefined> {
  let trace: { structLogs: Array<{ op: string; depth: number; stack?: string[] }> };
  try {
    trace = await bench.provider.send("debug_traceCall", [{ from, to, data, gas: "0xf42400" }, "latest", { disableMemory: true, disableStorage: true }]);
  } catch {
    return undefined;
  }
  const written = new Map<string, bigint>();
  for (const log of trace.structLogs) {
    if (log.op !== "SSTORE" || log.depth !== 1 || !log.stack) continue;
    const stack = log.stack;
    written.set(BigInt(stack[stack.length - 1]).toString(16), BigInt(stack[stack.length - 2]));
  }
  let created = 0;
  for (const [slot, value] of written) {
    const before = BigInt(await bench.provider.getStorage(to, `0x${slot}`));
    if (before === 0n && value !== 0n) created += 1;
  }
  return { newSlotsPerPayment: created / payments, evmStepsPerPayment: trace.structLogs.length / payments };
}

export async function deployNaiveLedger(bench: BenchChain): Promise<{ address: string; wallet: Wallet }> {
  const artifact = JSON.parse(readFileSync(NAIVE_ARTIFACT, "utf8")) as { abi: []; bytecode: string };
  // An account of its own, funded by the node: no other sender shares its nonces.
  const wallet = new Wallet(Wallet.createRandom().privateKey, bench.provider);
  await bench.provider.send("hardhat_setBalance", [wallet.address, "0x56bc75e2d63100000000"]);
  const contract = await new ContractFactory(artifact.abi, artifact.bytecode, wallet).deploy({ nonce: 0 });
  await receiptOf(bench.provider, contract.deploymentTransaction()!.hash);
  return { address: await contract.getAddress(), wallet };
}

/** The baseline: the same payments, one NaiveLedger transaction each, up to NAIVE_WINDOW in flight. */
export async function naivePayroll(bench: BenchChain, orders: readonly PaymentOrder[]): Promise<PayrollRun & Partial<PaymentTrace>> {
  const { address, wallet } = await deployNaiveLedger(bench);
  const iface = new Interface(JSON.parse(readFileSync(NAIVE_ARTIFACT, "utf8")).abi);
  const calls = orders.map((o) => iface.encodeFunctionData("recordPayment", [o.subject, o.benefitId, o.period, o.amountCents]));
  const traced = calls.length > 0 ? await tracePayments(bench, wallet.address, address, calls[0], 1) : undefined;
  const { chainId } = await bench.provider.getNetwork();
  const gasPrice = (await bench.provider.getFeeData()).gasPrice ?? 0n;
  let nonce = 1;
  const bar = progress("payroll baseline (naive, 1 tx each)", calls.length);
  const started = performance.now();
  let gas = 0;
  for (let i = 0; i < calls.length; i += NAIVE_WINDOW) {
    const window = await Promise.all(calls.slice(i, i + NAIVE_WINDOW).map((data) =>
      wallet.signTransaction({ to: address, data, nonce: nonce++, gasLimit: NAIVE_GAS_LIMIT, gasPrice, chainId, type: 0 })));
    const hashes = await Promise.all(window.map((signed) => bench.provider.send("eth_sendRawTransaction", [signed]) as Promise<string>));
    const receipts = await Promise.all(hashes.map((h) => receiptOf(bench.provider, h)));
    for (const r of receipts) {
      if (r.status !== 1) throw new Error(`naive payment ${r.hash} reverted`);
      gas += Number(r.gasUsed);
    }
    bar.update(Math.min(calls.length, i + NAIVE_WINDOW));
  }
  const seconds = (performance.now() - started) / 1000;
  const result = {
    period: orders[0]?.period ?? 0, orders: calls.length, paid: calls.length, seconds, paymentsPerSecond: calls.length / seconds,
    transactions: calls.length, gasPerPayment: gas / Math.max(1, calls.length), ...traced,
  };
  bar.done(`${result.paymentsPerSecond.toFixed(0)} payments/s, ${Math.round(result.gasPerPayment)} gas each`);
  return result;
}

/** The ledger's batch call for a few paid orders, to trace what storage a payment creates. */
export function paymentBatchCall(runtime: OracleRuntime, orders: readonly PaymentOrder[], period: number): { to: string; data: string } {
  const ledger = runtime.contracts.ledger;
  return {
    to: ledger.target as string,
    data: ledger.interface.encodeFunctionData("recordPayments", [orders.map((o) => ({ subject: o.subject, benefitId: o.benefitId, period }))]),
  };
}
