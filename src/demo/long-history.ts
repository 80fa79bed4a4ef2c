// A long PA Chain history for the indexer benchmark (scripts/indexer-bench.ts), made through the real contracts on a
// real node: the oracle relays a seeded population (facts, decisions), then INPS pays its payroll
// over past months in large recordPayments batches until the chain holds at least `minEvents`
// events. Each order is one event: PaymentRecorded when the rules back it, PaymentRefused (with
// its reason: not yet eligible, already paid…) when they do not — the mix a real history has.
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { attachContracts } from "../chain/contracts.ts";
import { clockFromEnv, periodOf } from "../clock.ts";
import { benefitId } from "../domain/catalog.ts";
import { createLogger } from "../logger.ts";
import { createOracleRuntime } from "../oracle/wiring.ts";
import type { DemoSystem as System } from "./system.ts";

/** Orders per recordPayments transaction: its gas limit stays below the node's per-transaction cap of 2^24 (EIP-7825). */
const ORDERS_PER_TX = 140;
const GAS_PER_ORDER = 110_000n;
const GAS_PER_TX = 150_000n;
/** Transactions sent before waiting for their receipts. */
const TXS_IN_FLIGHT = 32;

async function logCount(provider: JsonRpcProvider, system: System): Promise<number> {
  const logs = (await provider.send("eth_getLogs", [{ address: Object.values(system.deployment.addresses), fromBlock: "0x0", toBlock: "latest" }])) as unknown[];
  return logs.length;
}

/** Fills the chain of `system` until it holds at least `minEvents` PA Chain events; returns the count. */
export async function buildLongHistory(system: System, options: { minEvents: number; progress?: (events: number) => void }): Promise<number> {
  const silent = createLogger("silent");
  const rt = createOracleRuntime({ config: system.config, deployment: system.deployment, logger: silent });
  let entitlements: Array<{ subject: string; benefit: string }>;
  try {
    rt.oracle.start();
    await rt.oracle.idle(600_000);
    entitlements = rt.store.grantedEntitlements(rt.catalog.benefits.filter((b) => b.monetary).map((b) => b.code));
  } finally {
    await rt.close();
  }
  if (entitlements.length === 0) throw new Error("the population has no granted monetary entitlement to pay: use a larger size");

  const provider = new JsonRpcProvider(system.chain.url, system.deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
  try {
    let events = await logCount(provider, system);
    const inps = attachContracts(system.deployment.addresses, new NonceManager(new Wallet(system.config.PACHAIN_INPS_RELAYER_KEY, provider)));
    // Months going back from last month: back-pay where the rules back it, refusals where they do not.
    const period = periodOf(clockFromEnv());
    let month = Math.floor(period / 100) * 12 + (period % 100) - 2;
    const orders: Array<{ subject: string; benefitId: string; period: number }> = [];
    while (events < options.minEvents) {
      while (orders.length < ORDERS_PER_TX * TXS_IN_FLIGHT) {
        const period = Math.floor(month / 12) * 100 + (month % 12) + 1;
        for (const e of entitlements) orders.push({ subject: e.subject, benefitId: benefitId(e.benefit), period });
        month -= 1;
      }
      const sent = [];
      for (let i = 0; i < TXS_IN_FLIGHT && events + i * ORDERS_PER_TX < options.minEvents; i += 1) {
        const batch = orders.splice(0, ORDERS_PER_TX);
        sent.push(await inps.ledger.recordPayments(batch, { gasLimit: GAS_PER_TX + GAS_PER_ORDER * BigInt(batch.length) }));
        events += batch.length;
      }
      await Promise.all(sent.map((tx) => tx.wait()));
      options.progress?.(events);
    }
    return await logCount(provider, system);
  } finally {
    provider.destroy();
  }
}
