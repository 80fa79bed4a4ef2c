// The read API's queries over the index (src/indexer): the only code of the API that writes SQL
// against the indexer's tables. Portable SQL with `?` placeholders, so SQLite and PostgreSQL
// answer the same rows. Units as in src/indexer/schema.ts: *_time unix seconds, dates YYYYMMDD,
// period YYYYMM, *_cents euro cents.
import { catalogFromChain, type Catalog } from "../../domain/catalog.ts";
import type { FactRow } from "../../indexer/rows.ts";
import type { IndexerStore } from "../../indexer/store.ts";

/** Where a row sits on chain. */
export interface ChainPlace {
  block: number;
  logIndex: number;
  txHash: string;
  /** unix seconds */
  time: number;
}

/** A fact as the API reads it: the indexer's row (src/indexer/rows.ts) with its place and certifier's name. */
export type FactItem = ChainPlace & Omit<FactRow, "oldResidence" | "oldDeathDate" | "amountCents" | "oldAmountCents" | "replaced" | "oldDischarge"> & {
  orgName: string | null;
  /** euro cents */
  amountCents: number | null;
};

export interface DecisionItem extends ChainPlace {
  applicationId: string;
  subject: string;
  benefitId: string;
  date: number;
  eligible: boolean;
  reasonName: string;
  monthlyAmountCents: number | null;
  assessmentId: string;
}

export interface PaymentItem extends ChainPlace {
  subject: string;
  benefitId: string;
  period: number;
  amountCents: number | null;
  /** ISTAT code of the residence certified before the payment; null if none. */
  residence: number | null;
}

export interface RefusalItem extends ChainPlace {
  subject: string;
  benefitId: string;
  period: number;
  reasonName: string;
}

export interface PaymentFilter {
  subject?: string;
  benefitId?: string;
  period?: number;
  /** ISTAT code of the residence at payment time */
  municipality?: number;
  /** Keyset pagination: rows after this place. */
  after?: { block: number; logIndex: number };
  /** Only rows recorded at or before this unix time. */
  until?: number;
  limit: number;
}

export interface PeriodTotalRow {
  benefitId: string;
  period: number;
  payments: number;
  amountCents: number;
}

export interface WaveRow {
  wave: number;
  phaseName: string;
  pilotProvinces: number[];
  changedBlock: number;
  changedTx: string;
  changedTime: number;
}

export interface IndexReader {
  facts(subject: string, until?: number): Promise<FactItem[]>;
  fact(kind: FactItem["kind"], recordId: string): Promise<FactItem | undefined>;
  factsOfOrganisation(orgId: number, kind: FactItem["kind"], limit: number): Promise<FactItem[]>;
  decisions(subject: string, until?: number): Promise<DecisionItem[]>;
  payments(filter: PaymentFilter): Promise<PaymentItem[]>;
  refusals(subject: string, until?: number): Promise<RefusalItem[]>;
  periodTotals(period?: number): Promise<PeriodTotalRow[]>;
  /** Every (person, benefit) INPS has granted at least once: the claims a payroll may pay. */
  grantedClaims(): Promise<Array<{ subject: string; benefitId: string }>>;
  waves(): Promise<WaveRow[]>;
  /** The benefit catalog as the chain holds it, benefits in the order they were first defined. */
  catalog(): Promise<Catalog>;
  organisationName(orgId: number): Promise<string | undefined>;
  /** Active organisations registered on chain (of one kind, by its name), by id. */
  organisations(kindName?: string): Promise<Array<{ orgId: number; kindName: string; name: string }>>;
  /** The last block with a PA Chain event at or before a unix time: the state "as of" then. */
  lastBlockAtOrBefore(unixSeconds: number): Promise<number | undefined>;
  /** The last block with an indexed PA Chain event: the contracts' state changes only there. */
  lastEventBlock(): Promise<number | undefined>;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const place = (r: Record<string, unknown>): ChainPlace => ({
  block: num(r.block_number), logIndex: num(r.log_index), txHash: String(r.tx_hash), time: num(r.block_time),
});
// A bound far above any block time, so "until" can always be a parameter.
const FOREVER = Number.MAX_SAFE_INTEGER;

function toFact(r: Record<string, unknown>): FactItem {
  return {
    ...place(r),
    kind: r.kind as FactItem["kind"],
    recordId: String(r.record_id),
    subject: String(r.subject),
    orgId: numOrNull(r.org_id),
    orgName: r.org_name === null || r.org_name === undefined ? null : String(r.org_name),
    signers: JSON.parse(String(r.signers)) as string[],
    signedAt: num(r.signed_at),
    assessmentId: r.assessment_id === null ? null : String(r.assessment_id),
    birthDate: numOrNull(r.birth_date),
    residence: numOrNull(r.residence),
    deathDate: numOrNull(r.death_date),
    category: numOrNull(r.category),
    percentage: numOrNull(r.percentage),
    flags: numOrNull(r.flags),
    effectiveDate: numOrNull(r.effective_date),
    reviewDate: numOrNull(r.review_date),
    reportHash: r.report_hash === null ? null : String(r.report_hash),
    revocationReason: numOrNull(r.revocation_reason),
    year: numOrNull(r.year),
    amountCents: numOrNull(r.amount_cents),
    admission: numOrNull(r.admission),
    discharge: numOrNull(r.discharge),
  };
}

const FACT_COLUMNS = `f.tx_hash, f.log_index, f.block_number, f.block_time, f.kind, f.record_id, f.subject, f.org_id,
  o.name AS org_name, f.signers, f.signed_at, f.assessment_id, f.birth_date, f.residence, f.death_date, f.category,
  f.percentage, f.flags, f.effective_date, f.review_date, f.report_hash, f.revocation_reason, f.year, f.amount_cents,
  f.admission, f.discharge`;

// The residence a subject had on chain when a payment was recorded: the latest civil record before it.
const RESIDENCE_AT_PAYMENT = `(SELECT c.residence FROM facts c WHERE c.subject = p.subject AND c.kind = 'civil'
  AND (c.block_number < p.block_number OR (c.block_number = p.block_number AND c.log_index < p.log_index))
  ORDER BY c.block_number DESC, c.log_index DESC LIMIT 1)`;

export function createIndexReader(store: Pick<IndexerStore, "query">): IndexReader {
  return {
    async facts(subject, until = FOREVER) {
      const rows = await store.query(
        `SELECT ${FACT_COLUMNS} FROM facts f LEFT JOIN organisations o ON o.org_id = f.org_id
         WHERE f.subject = ? AND f.block_time <= ? ORDER BY f.block_number, f.log_index`,
        [subject, until],
      );
      return rows.map(toFact);
    },

    async fact(kind, recordId) {
      const [row] = await store.query(
        `SELECT ${FACT_COLUMNS} FROM facts f LEFT JOIN organisations o ON o.org_id = f.org_id
         WHERE f.kind = ? AND f.record_id = ? ORDER BY f.block_number, f.log_index LIMIT 1`,
        [kind, recordId],
      );
      return row ? toFact(row) : undefined;
    },

    async factsOfOrganisation(orgId, kind, limit) {
      const rows = await store.query(
        `SELECT ${FACT_COLUMNS} FROM facts f LEFT JOIN organisations o ON o.org_id = f.org_id
         WHERE f.org_id = ? AND f.kind = ? ORDER BY f.block_number DESC, f.log_index DESC LIMIT ?`,
        [orgId, kind, limit],
      );
      return rows.map(toFact);
    },

    async decisions(subject, until = FOREVER) {
      const rows = await store.query(
        `SELECT tx_hash, log_index, block_number, block_time, application_id, subject, benefit_id, date, eligible,
           reason_name, monthly_amount_cents, assessment_id
         FROM decisions WHERE subject = ? AND block_time <= ? ORDER BY block_number, log_index`,
        [subject, until],
      );
      return rows.map((r) => ({
        ...place(r),
        applicationId: String(r.application_id), subject: String(r.subject), benefitId: String(r.benefit_id),
        date: num(r.date), eligible: num(r.eligible) === 1, reasonName: String(r.reason_name),
        monthlyAmountCents: numOrNull(r.monthly_amount_cents), assessmentId: String(r.assessment_id),
      }));
    },

    async payments(filter) {
      const where: string[] = ["p.block_time <= ?"];
      const params: Array<string | number> = [filter.until ?? FOREVER];
      if (filter.subject !== undefined) (where.push("p.subject = ?"), params.push(filter.subject));
      if (filter.benefitId !== undefined) (where.push("p.benefit_id = ?"), params.push(filter.benefitId));
      if (filter.period !== undefined) (where.push("p.period = ?"), params.push(filter.period));
      if (filter.municipality !== undefined) (where.push(`${RESIDENCE_AT_PAYMENT} = ?`), params.push(filter.municipality));
      if (filter.after !== undefined) {
        where.push("(p.block_number > ? OR (p.block_number = ? AND p.log_index > ?))");
        params.push(filter.after.block, filter.after.block, filter.after.logIndex);
      }
      const rows = await store.query(
        `SELECT p.tx_hash, p.log_index, p.block_number, p.block_time, p.subject, p.benefit_id, p.period, p.amount_cents,
           ${RESIDENCE_AT_PAYMENT} AS residence
         FROM payments p WHERE ${where.join(" AND ")} ORDER BY p.block_number, p.log_index LIMIT ?`,
        [...params, filter.limit],
      );
      return rows.map((r) => ({
        ...place(r),
        subject: String(r.subject), benefitId: String(r.benefit_id), period: num(r.period),
        amountCents: numOrNull(r.amount_cents), residence: numOrNull(r.residence),
      }));
    },

    async refusals(subject, until = FOREVER) {
      const rows = await store.query(
        `SELECT tx_hash, log_index, block_number, block_time, subject, benefit_id, period, reason_name
         FROM payment_refusals WHERE subject = ? AND block_time <= ? ORDER BY block_number, log_index`,
        [subject, until],
      );
      return rows.map((r) => ({
        ...place(r), subject: String(r.subject), benefitId: String(r.benefit_id), period: num(r.period), reasonName: String(r.reason_name),
      }));
    },

    async periodTotals(period) {
      const rows = await store.query(
        `SELECT benefit_id, period, COUNT(*) AS payments, COALESCE(SUM(amount_cents), 0) AS amount_cents FROM payments
         ${period === undefined ? "" : "WHERE period = ?"} GROUP BY benefit_id, period ORDER BY period, benefit_id`,
        period === undefined ? [] : [period],
      );
      return rows.map((r) => ({ benefitId: String(r.benefit_id), period: num(r.period), payments: num(r.payments), amountCents: num(r.amount_cents) }));
    },

    async grantedClaims() {
      const rows = await store.query("SELECT DISTINCT subject, benefit_id FROM decisions WHERE eligible = 1 ORDER BY subject, benefit_id");
      return rows.map((r) => ({ subject: String(r.subject), benefitId: String(r.benefit_id) }));
    },

    async waves() {
      const rows = await store.query("SELECT wave, phase_name, pilot_provinces, changed_block, changed_tx, changed_time FROM waves ORDER BY wave");
      return rows.map((r) => ({
        wave: num(r.wave), phaseName: String(r.phase_name), pilotProvinces: JSON.parse(String(r.pilot_provinces)) as number[],
        changedBlock: num(r.changed_block), changedTx: String(r.changed_tx), changedTime: num(r.changed_time),
      }));
    },

    async catalog() {
      const [benefits, terms] = await Promise.all([
        store.query(
          `SELECT b.code, b.wave, b.monetary, b.payments_per_year, b.min_age, b.max_age_exclusive, b.suspended_by_long_hospital_stay,
             b.has_income_limit, b.requirement_count, b.requirements
           FROM benefits b
           ORDER BY (SELECT MIN(e.block_number * 1000000 + e.log_index) FROM events e
             WHERE e.contract = 'BenefitCatalog' AND e.event = 'BenefitDefined' AND e.benefit_id = b.benefit_id), b.benefit_id`,
        ),
        store.query("SELECT benefit_id, year, monthly_amount_cents, income_limit_cents FROM benefit_terms WHERE is_set = 1 ORDER BY benefit_id, year"),
      ]);
      return catalogFromChain(
        benefits.map((r) => ({
          code: String(r.code), wave: num(r.wave), monetary: num(r.monetary) === 1, paymentsPerYear: num(r.payments_per_year),
          minAge: num(r.min_age), maxAgeExclusive: num(r.max_age_exclusive), suspendedByLongHospitalStay: num(r.suspended_by_long_hospital_stay) === 1,
          hasIncomeLimit: num(r.has_income_limit) === 1, requirementCount: num(r.requirement_count), requirements: BigInt(String(r.requirements)),
        })),
        terms.map((r) => ({
          benefitId: String(r.benefit_id), year: num(r.year),
          monthlyAmountCents: BigInt(String(r.monthly_amount_cents ?? 0)), incomeLimitCents: BigInt(String(r.income_limit_cents ?? 0)),
        })),
      );
    },
    async organisationName(orgId) {
      const [row] = await store.query<{ name: string }>("SELECT name FROM organisations WHERE org_id = ?", [orgId]);
      return row?.name;
    },

    async organisations(kindName) {
      const rows = await store.query(
        `SELECT org_id, kind_name, name FROM organisations WHERE active = 1${kindName === undefined ? "" : " AND kind_name = ?"} ORDER BY org_id`,
        kindName === undefined ? [] : [kindName],
      );
      return rows.map((r) => ({ orgId: num(r.org_id), kindName: String(r.kind_name), name: String(r.name) }));
    },

    async lastEventBlock() {
      const [row] = await store.query<{ block: unknown }>("SELECT MAX(block_number) AS block FROM events");
      return row?.block === null || row?.block === undefined ? undefined : num(row.block);
    },

    async lastBlockAtOrBefore(unixSeconds) {
      const [row] = await store.query<{ block: unknown }>("SELECT MAX(block_number) AS block FROM events WHERE block_time <= ?", [unixSeconds]);
      return row?.block === null || row?.block === undefined ? undefined : num(row.block);
    },
  };
}
