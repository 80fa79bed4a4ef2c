// The read API's services, built once from their dependencies: what the routes call. No req/res
// here; the data layer (index reader, access log, contracts, oracle store) is passed in.
import type { PAChainContracts } from "../chain/contracts.ts";
import { todayOf, type Clock } from "../clock.ts";
import type { Catalog } from "../domain/catalog.ts";
import { PaChainError } from "../errors.ts";
import type { IndexerStatus } from "../indexer/indexer.ts";
import type { DemoRevocationSigner, DemoSigner } from "./demo-signer.ts";
import { createCommissionRegister } from "./data/commission-register.ts";
import type { AccessLog } from "./data/access-log.ts";
import type { IndexReader, PaymentFilter } from "./data/index-reader.ts";
import { createCommissionService, type OracleLink } from "./services/commission.ts";
import { createEntitlementLookup } from "./services/entitlements.ts";
import { createPayrollForecast } from "./services/forecast.ts";
import { timelineOf } from "./services/history.ts";
import { createOperatorService } from "./services/operator.ts";
import { listPayments, reconciledTotals } from "./services/payments.ts";
import { createProofService } from "./services/proofs.ts";

export interface ServiceDependencies {
  contracts: Pick<PAChainContracts, "ledger" | "facts" | "catalog">;
  catalog: Catalog;
  reader: IndexReader;
  accessLog: AccessLog;
  /** Turns a fiscal code into the on-chain pseudonym (HMAC under the consortium's key). */
  pseudonymOf(fiscalCode: string): string;
  /** The oracle's intake and outbox, when this API runs beside it. */
  oracle?: OracleLink;
  /** Demo mode only: signs assessments with the demo commission members' keys. */
  demoSigner?: DemoSigner;
  /** Demo mode only: a commission member signs a revocation. */
  demoRevocationSigner?: DemoRevocationSigner;
  /** The indexer's progress, when this API runs it. */
  indexStatus?: () => Promise<IndexerStatus>;
  /** The secret that signs proofs of status (0x + 64 hex); without it proofs answer 503. */
  proofKey?: string;
  /** Where "today" comes from (src/clock.ts). */
  clock: Clock;
}

export function createServices(deps: ServiceDependencies) {
  const { contracts, catalog, reader, accessLog, pseudonymOf, oracle, clock } = deps;
  const entitlementLookup = createEntitlementLookup({ contracts, catalog, reader });
  const forecast = createPayrollForecast({ contracts, catalog, reader });
  return {
    catalog,
    reader,
    accessLog,
    pseudonymOf,
    /** Unix milliseconds now, from the system's clock. */
    nowMs: () => clock.nowMs(),
    /** Today's date (YYYYMMDD), from the system's clock. */
    today: () => todayOf(clock),
    /** A person's entitlements at a date, on the current chain state or at a past block. */
    entitlementsOn: entitlementLookup,
    timelineOf: (subject: string, until?: number) => timelineOf({ reader, catalog }, subject, until),
    listPayments: (filter: PaymentFilter) => listPayments({ reader, catalog }, filter),
    reconciledTotals: (period?: number) => reconciledTotals({ reader, catalog, contracts }, period),
    /** The payroll of `months` months from `from` (YYYYMM), forecast by the contracts, beside what was paid. */
    payrollForecast: forecast,
    commission: createCommissionService({
      oracle, reader, factsInterface: contracts.facts.interface,
      // The commissions' own systems (verbale numbers, the person): the feeds the oracle reads.
      register: createCommissionRegister({ feedUrls: (oracle?.sources ?? []).map((s) => s.url) }),
    }),
    operator: createOperatorService({ oracle, reader, catalog }),
    proofs: createProofService({ contracts, catalog, key: deps.proofKey, now: () => clock.nowMs() }),
    outboxCounts() {
      if (!oracle) throw new PaChainError("UNAVAILABLE", "the oracle is not attached to this API", { status: 503 });
      return oracle.store.counts();
    },
    demoSigner: deps.demoSigner,
    demoRevocationSigner: deps.demoRevocationSigner,
    indexStatus: async () => (deps.indexStatus ? deps.indexStatus() : null),
  };
}

export type ApiServices = ReturnType<typeof createServices>;
