// The read API's services, built once from their dependencies: what the routes call. No req/res
// here; the data layer (index reader, access log, contracts, the oracle's gateway) is passed in.
import type { PAChainContracts } from "../chain/contracts.ts";
import { todayOf, type Clock } from "../clock.ts";
import { formatIsoDate } from "../domain/dates.ts";
import type { Catalog } from "../domain/catalog.ts";
import { PaChainError } from "../errors.ts";
import type { IndexerStatus } from "../indexer/indexer.ts";
import type { DemoRevocationSigner, DemoSigner } from "./demo-signer.ts";
import type { IntegrityVerifier } from "./integrity.ts";
import { createCommissionRegister } from "./data/commission-register.ts";
import type { SqlDatabase } from "../indexer/store.ts";
import type { AccessLog } from "./data/access-log.ts";
import type { DelegationStore } from "./data/delegations.ts";
import { createPatronatoDirectory, type PatronatoDirectory } from "./data/directory.ts";
import type { IndexReader, PaymentFilter } from "./data/index-reader.ts";
import type { NoticeStore } from "../notifier/store.ts";
import type { OracleGateway } from "../oracle/gateway.ts";
import { createClaimService } from "./services/claims.ts";
import { createCommissionService } from "./services/commission.ts";
import { createDelegationService } from "./services/delegations.ts";
import { createEntitlementLookup } from "./services/entitlements.ts";
import { createPayrollForecast } from "./services/forecast.ts";
import { timelineOf } from "./services/history.ts";
import { createOperatorService } from "./services/operator.ts";
import { listPayments, reconciledTotals } from "./services/payments.ts";
import { createPeopleService } from "./services/people.ts";
import type { CredentialSystem } from "./credentials-wiring.ts";

export interface ServiceDependencies {
  contracts: Pick<PAChainContracts, "ledger" | "facts" | "catalog">;
  catalog: Catalog;
  reader: IndexReader;
  accessLog: AccessLog;
  /** Turns a fiscal code into the on-chain pseudonym (HMAC under the consortium's key). */
  pseudonymOf(fiscalCode: string): string;
  /** The oracle's gateway (in process, or over HTTP to an oracle in another process). */
  oracle?: OracleGateway;
  /** The feeds of the commissions' own systems (verbale numbers, the person), for a commission's list. */
  commissionFeedUrls?: readonly string[];
  /** Where the commission register keeps what was submitted through this API (survives restarts); in memory only without one. */
  commissionRegisterDb?: SqlDatabase;
  /** Demo mode only: signs assessments with the demo commission members' keys. */
  demoSigner?: DemoSigner;
  /** Checks the ModI integrity signature (Agid-JWT-Signature) of a commission's write. */
  integrity: IntegrityVerifier;
  /** Demo mode only: a commission member signs a revocation. */
  demoRevocationSigner?: DemoRevocationSigner;
  /** The indexer's progress, when this API runs it. */
  indexStatus?: () => Promise<IndexerStatus>;
  /** The credential issuer, its status lists and the verifier; without them those routes answer 503. */
  credentials?: CredentialSystem;
  /** Where "today" comes from (src/clock.ts). */
  clock: Clock;
  /** The notifier's outbox, read for a citizen's notices (src/notifier/store.ts). */
  notices?: Pick<NoticeStore, "noticesOf">;
  /** Delegations to patronati (src/api/data/delegations.ts); without it the delegation routes answer 503. */
  delegations?: DelegationStore;
  /** The consortium's directory of patronati (empty without one). */
  patronati?: PatronatoDirectory;
  /** Days an ended delegation is kept before the retention job deletes it (default 730). */
  delegationRetentionDays?: number;
}

export function createServices(deps: ServiceDependencies) {
  const { contracts, catalog, reader, accessLog, pseudonymOf, oracle, clock } = deps;
  const entitlementLookup = createEntitlementLookup({ contracts, catalog, reader });
  const forecast = createPayrollForecast({ contracts, catalog, reader });
  const nowMs = () => clock.nowMs();
  const timeline = (subject: string, until?: number) => timelineOf({ reader, catalog }, subject, until);
  const claims = createClaimService({ oracle, reader, catalog, notices: deps.notices });
  const people = createPeopleService({ reader, accessLog, pseudonymOf, timelineOf: timeline, entitlementsOn: entitlementLookup, nowMs });
  const credentials = (): CredentialSystem => {
    if (!deps.credentials) throw new PaChainError("UNAVAILABLE", "credentials are not configured on this API", { status: 503 });
    return deps.credentials;
  };
  return {
    catalog,
    /** Unix milliseconds now, from the system's clock. */
    nowMs,
    /** Today's date (YYYYMMDD), from the system's clock: the routes take it once per request (RouteInput.today). */
    today: () => todayOf(clock),
    /** Pseudonyms and the access log: a person's data by staff only through it (every read logged first). */
    people,
    /** A person's entitlements at a date, on the current chain state or at a past block. */
    entitlementsOn: entitlementLookup,
    timelineOf: timeline,
    /** A person's entitlements at `date`, each with where the person's claim of it stands (the citizen's and the patronato's view). */
    async entitlementsWithClaims(subject: string, date: number) {
      const [entitlements, claimed] = await Promise.all([entitlementLookup(subject, date), claims.statusByBenefit(subject)]);
      return {
        date: formatIsoDate(date),
        entitlements: entitlements.map((e) => ({ ...e, claim: claimed.get(e.benefit) ?? { status: "NOT_CLAIMED" as const } })),
      };
    },
    /** The organisations the on-chain OrganisationRegistry lists (through the index), by kind. */
    organisations: (kindName?: string) => reader.organisations(kindName),
    listPayments: (filter: PaymentFilter) => listPayments({ reader, catalog }, filter),
    reconciledTotals: (period?: number) => reconciledTotals({ reader, catalog, contracts }, period),
    claims,
    delegations: createDelegationService({
      store: deps.delegations ?? unavailableDelegations,
      directory: deps.patronati ?? createPatronatoDirectory([]),
      accessLog,
      catalog,
      pseudonymOf,
      today: () => todayOf(clock),
      nowMs,
      retentionDays: deps.delegationRetentionDays,
    }),
    /** The payroll of `months` months from `from` (YYYYMM), forecast by the contracts, beside what was paid. */
    payrollForecast: forecast,
    commission: createCommissionService({
      oracle, reader,
      // The commissions' own systems (verbale numbers, the person): the feeds the oracle reads.
      register: createCommissionRegister({ feedUrls: deps.commissionFeedUrls ?? [], db: deps.commissionRegisterDb }),
    }),
    operator: createOperatorService({ oracle, reader, catalog }),
    credentials,
    /** Verifies a presentation; a check of a credential the issuer holds is shown to its holder. */
    async verifyPresentation(presentation: string) {
      const { entry, ...answer } = await credentials().verifier.verify(presentation);
      const held = entry ? await credentials().credentialAt(entry.listId, entry.idx) : undefined;
      if (held) await people.recordVerification({ subject: held.subject, proofId: `${entry!.listId}:${entry!.idx}`, benefit: held.benefit, verdict: answer.verdict });
      return answer;
    },
    demoSigner: deps.demoSigner,
    integrity: deps.integrity,
    demoRevocationSigner: deps.demoRevocationSigner,
    indexStatus: async () => (deps.indexStatus ? deps.indexStatus() : null),
  };
}

/** Stands in when no delegation store is attached: every call answers 503. */
const unavailableDelegations = new Proxy({} as DelegationStore, {
  get: () => async () => {
    throw new PaChainError("UNAVAILABLE", "delegations are not kept by this API", { status: 503 });
  },
});

export type ApiServices = ReturnType<typeof createServices>;
