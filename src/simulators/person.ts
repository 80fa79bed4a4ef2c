// The simulated people and the facts the source systems hold about them: plain data, no keys.
export type CommissionSlug = "asl-roma-1-cml" | "ats-milano-cml" | "inps-cml-roma";
export type AslSlug = "asl-roma-1" | "ats-milano";

export interface Residence {
  sourceId: string;
  /** ISTAT municipality code as on chain. */
  municipality: number;
  /** YYYYMMDD the residence starts; the first one is the birth date (earlier moves are not modelled). */
  since: number;
}

export interface Revocation {
  sourceId: string;
  /** YYYYMMDD of the decision that revoked the assessment. */
  date: number;
  /** 1 appeal upheld, 2 clerical error, 3 fraud, 4 other (docs/contracts.md). */
  reason: number;
}

export interface Assessment {
  sourceId: string;
  commission: CommissionSlug;
  /** CATEGORY code */
  category: number;
  percentage: number;
  /** FLAG mask */
  flags: number;
  /** YYYYMMDD */
  effectiveDate: number;
  /** YYYYMMDD, 0 = permanent (no review) */
  reviewDate: number;
  /** Salted hash of the report, which stays in the commission's system. */
  reportHash: `0x${string}`;
  revocation?: Revocation;
}

export interface Income {
  sourceId: string;
  year: number;
  amountCents: bigint; // euro cents
}

export interface HospitalStay {
  asl: AslSlug;
  admissionSourceId: string;
  /** YYYYMMDD */
  admission: number;
  /** Absent while the stay is open. */
  discharge?: { sourceId: string; date: number };
}

export interface Application {
  sourceId: string;
  /** keccak256 of sourceId: the on-chain idempotency key of the decision. */
  applicationId: `0x${string}`;
  fiscalCode: string;
  /** Benefit code of the catalog. */
  benefit: string;
  /** YYYYMMDD the application is decided on. */
  date: number;
}

export const ARCHETYPES = {
  GENERAL_POPULATION: "no disability: civil record and income only",
  TOTAL_INVALID_ASSISTED: "adult, civil invalidity 100% with continuous assistance: pension and attendance allowance",
  ELDERLY_ASSISTED: "over 67, 100% with continuous assistance: attendance allowance; pension refused for age",
  TOTAL_INVALID: "adult, 100% without continuous assistance: pension; attendance allowance refused",
  PARTIAL_INVALID_LOW_INCOME: "adult, 74-99%, income under the limit: monthly allowance",
  PARTIAL_INVALID_HIGH_INCOME: "adult, 74-99%, income above the limit",
  PARTIAL_INVALID_NO_INCOME: "adult, 74-99%, no income attested",
  MILD_INVALID: "adult, 34-73%: monthly allowance refused; targeted employment from 46%",
  ELDERLY_PARTIAL_INVALID: "over 67, 74-99%: monthly allowance refused for age",
  MINOR_PERSISTENT_DIFFICULTIES: "minor with persistent difficulties: attendance (frequency) allowance",
  MINOR_ASSISTED: "minor, 100% with continuous assistance: attendance allowance",
  BLIND_ABSOLUTE: "absolutely blind: blind pension and allowance",
  BLIND_PARTIAL: "partially blind (1/20): pension and special allowance",
  DEAF: "deaf: communication allowance; pension 18-66",
  L104_SEVERE: "Law 104 severe handicap: leave permits, European disability card",
  L104_NOT_SEVERE: "Law 104 handicap, not severe: leave permits refused",
  DIES_DURING_YEAR: "assisted elderly person who dies this year",
  REVOKED_AFTER_APPEAL: "assessment revoked after an appeal (some keep an older valid one)",
  HOSPITALISED_OPEN_STAY: "assisted elderly person in hospital for 30+ days, stay still open",
  HOSPITAL_STAY_CLOSED: "assisted elderly person with a closed (or short) hospital stay",
  MOVED_RESIDENCE: "disabled person who moved to another municipality",
  WRONG_BENEFIT: "applies for a benefit their assessment does not give",
  ASSESSMENT_PENDING: "applies before any assessment is effective",
  NO_CIVIL_RECORD: "known to INPS (income, assessment, application) but not yet in ANPR",
} as const;
export type ArchetypeName = keyof typeof ARCHETYPES;

export interface Person {
  index: number;
  fiscalCode: string;
  archetype: ArchetypeName;
  surname: string;
  name: string;
  female: boolean;
  /** YYYYMMDD */
  birthDate: number;
  /** Cadastral code of the place of birth (a municipality, or Z… for a foreign country). */
  birthPlace: string;
  /** Oldest first; the last is the current one. Empty: ANPR does not know the person yet. */
  residences: Residence[];
  death?: { sourceId: string; date: number };
  assessments: Assessment[];
  incomes: Income[];
  stays: HospitalStay[];
  applications: Application[];
}

export interface Population {
  seed: number;
  size: number;
  /** YYYYMMDD: no fact is dated after it. */
  today: number;
  people: Person[];
}

/** The 2024 reform: ASL commissions where the region still runs them, INPS's everywhere else. */
export function commissionForProvince(province: number): CommissionSlug {
  if (province === 58) return "asl-roma-1-cml"; // Lazio (Roma)
  if (province === 15 || province === 17) return "ats-milano-cml"; // Lombardy (Milano, Brescia)
  return "inps-cml-roma";
}

/** The ASL that certifies stays at public expense in a province, if the demo has one there. */
export function aslForProvince(province: number): AslSlug | undefined {
  if (province === 58) return "asl-roma-1";
  if (province === 15 || province === 17) return "ats-milano";
  return undefined;
}

export function residenceOn(person: Person, date: number): Residence | undefined {
  let current = person.residences[0];
  for (const r of person.residences) if (r.since <= date) current = r;
  return current;
}

/** Record id prefixes of the health systems (commission, hospital discharge records). */
export const SOURCE_PREFIX: Record<CommissionSlug | AslSlug, string> = {
  "asl-roma-1-cml": "ASLRM1/CML",
  "ats-milano-cml": "ATSMI/CML",
  "inps-cml-roma": "INPS/CML",
  "asl-roma-1": "ASLRM1/SDO",
  "ats-milano": "ATSMI/SDO",
};
