// The benefit catalog: the rule table (data/benefit-rules.json, same format as the shared
// reference) validated once, then converted to the exact encoding the contracts store.
// The numeric codes below are part of the on-chain ABI: never renumber, only append.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { id } from "ethers";
import { z } from "zod/v4";
import { PaChainError, ValidationError } from "../errors.ts";

// ---- On-chain encoding -------------------------------------------------------------------

export const CATEGORY = { NONE: 0, CIVIL_INVALIDITY: 1, BLINDNESS: 2, DEAFNESS: 3, HANDICAP_L104: 4 } as const;
export type CategoryName = keyof typeof CATEGORY;
/** Indexed by category code. */
export const CATEGORY_NAMES = ["NONE", "CIVIL_INVALIDITY", "BLINDNESS", "DEAFNESS", "HANDICAP_L104"] as const;

export const FLAG = {
  NEEDS_CONTINUOUS_ASSISTANCE: 1,
  MINOR_PERSISTENT_DIFFICULTIES: 2,
  BLIND_ABSOLUTE: 4,
  BLIND_PARTIAL: 8,
  SEVERE: 16,
} as const;
export type FlagName = keyof typeof FLAG;
const FLAG_NAMES = Object.keys(FLAG) as FlagName[];

export const REASONS = [
  "ELIGIBLE",
  "NO_CIVIL_RECORD",
  "DECEASED",
  "BENEFIT_NOT_LIVE",
  "NO_VALID_ASSESSMENT",
  "REQUIREMENT_NOT_MET",
  "AGE_OUT_OF_RANGE",
  "INCOME_NOT_ATTESTED",
  "INCOME_ABOVE_LIMIT",
  "HOSPITALISED",
  "NOT_MONETARY",
  "PERIOD_IN_FUTURE",
  "ALREADY_PAID",
] as const;
export type ReasonName = (typeof REASONS)[number];

export const WAVE_PHASE = { PLANNED: 0, PILOT: 1, LIVE: 2 } as const;
export type WavePhaseName = keyof typeof WAVE_PHASE;
/** Indexed by phase code. */
export const WAVE_PHASE_NAMES = ["PLANNED", "PILOT", "LIVE"] as const;

/** Stored as uint8 on chain; "no upper age limit" is its maximum. */
export const NO_MAX_AGE = 255;

function isKey<T extends object>(map: T, key: string): key is Extract<keyof T, string> {
  return Object.hasOwn(map, key);
}

export function categoryCode(name: string, field: string): number {
  if (!isKey(CATEGORY, name)) {
    throw new ValidationError(field, `${field}: unknown category "${name}", expected one of ${CATEGORY_NAMES.join(", ")}`);
  }
  return CATEGORY[name];
}

export function categoryName(code: number): CategoryName {
  const name = CATEGORY_NAMES[code];
  if (name === undefined) throw new ValidationError("category", `category: unknown category code ${code}`);
  return name;
}

export function flagsToMask(names: readonly string[], field: string): number {
  let mask = 0;
  names.forEach((name, i) => {
    if (!isKey(FLAG, name)) {
      throw new ValidationError(`${field}[${i}]`, `${field}[${i}]: unknown flag "${name}", expected one of ${FLAG_NAMES.join(", ")}`);
    }
    mask |= FLAG[name];
  });
  return mask;
}

/** Flag names in bit order; bits without a name mean the decoder and the chain disagree. */
export function maskToFlags(mask: number): FlagName[] {
  const known = FLAG_NAMES.reduce((all, name) => all | FLAG[name], 0);
  if (!Number.isInteger(mask) || mask < 0 || (mask & ~known) !== 0) {
    throw new ValidationError("flags", `flags: ${mask} has bits that name no flag`);
  }
  return FLAG_NAMES.filter((name) => (mask & FLAG[name]) !== 0);
}

export function reasonName(code: number): ReasonName {
  const name = REASONS[code];
  if (name === undefined) throw new ValidationError("reason", `reason: unknown reason code ${code}`);
  return name;
}

export function reasonCode(name: string): number {
  const code = (REASONS as readonly string[]).indexOf(name);
  if (code === -1) throw new ValidationError("reason", `reason: unknown reason "${name}"`);
  return code;
}

/** The benefit's key on chain. */
export function benefitId(code: string): `0x${string}` {
  return id(code) as `0x${string}`;
}

// ---- The rule table's shape ---------------------------------------------------------------

// zod's own message names the allowed values only: the refusal also names the value given.
const enumMessage = (values: readonly string[]) => (issue: { input?: unknown }) =>
  `Invalid enum value. Expected ${values.map((v) => `'${v}'`).join(" | ")}, received '${String(issue.input)}'`;
const TABLE_CATEGORIES = ["CIVIL_INVALIDITY", "BLINDNESS", "DEAFNESS", "HANDICAP_L104"] as const;
const categorySchema = z.enum(TABLE_CATEGORIES, { error: enumMessage(TABLE_CATEGORIES) });
const flagSchema = z.enum(FLAG_NAMES as [FlagName, ...FlagName[]], { error: enumMessage(FLAG_NAMES) });
const percentage = z.number().int().min(0).max(100);
const age = z.number().int().min(0).max(NO_MAX_AGE);
const cents = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
// Per calendar year ("2026" → euro cents); null = not applicable. An empty map is refused:
// it would mean "applies" with no figure to apply.
const perYear = z
  .record(z.string().regex(/^(19|20|21)\d\d$/, "year keys must be YYYY in 1900-2199"), cents)
  .refine((m) => Object.keys(m).length > 0, "must list at least one year, or be null")
  .nullable();

const alternativeSchema = z
  .object({
    category: categorySchema,
    minPercentage: percentage.optional(),
    maxPercentage: percentage.optional(),
    requiredFlags: z.array(flagSchema).optional(),
  })
  .strict();

const benefitSchema = z
  .object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, "code must be UPPER_SNAKE_CASE, at most 64 characters"),
    wave: z.number().int().min(1).max(3),
    monetary: z.boolean(),
    category: categorySchema.optional(),
    minPercentage: percentage.optional(),
    maxPercentage: percentage.optional(),
    anyOf: z.array(alternativeSchema).min(1).optional(),
    requiredFlags: z.array(flagSchema),
    minAge: age,
    maxAgeExclusive: age.nullable(),
    paymentsPerYear: z.union([z.literal(0), z.literal(12), z.literal(13)]),
    suspendedByLongHospitalStay: z.boolean(),
    amounts: perYear,
    incomeLimits: perYear,
  })
  .strict()
  .superRefine((b, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (b.anyOf === undefined) {
      if (b.category === undefined) problem("category", "required unless anyOf lists the alternatives");
      if (b.minPercentage === undefined) problem("minPercentage", "required unless anyOf lists the alternatives");
      if (b.maxPercentage === undefined) problem("maxPercentage", "required unless anyOf lists the alternatives");
    } else {
      // One place for each value: a top-level category beside anyOf would be ambiguous.
      for (const key of ["category", "minPercentage", "maxPercentage"] as const) {
        if (b[key] !== undefined) problem(key, "not allowed beside anyOf; put it in the alternatives");
      }
    }
    const ranges = b.anyOf ?? [b];
    ranges.forEach((r, i) => {
      if ((r.minPercentage ?? 0) > (r.maxPercentage ?? 100)) {
        problem(b.anyOf ? `anyOf[${i}]` : "minPercentage", "minPercentage is above maxPercentage");
      }
    });
    if (b.maxAgeExclusive !== null && b.maxAgeExclusive <= b.minAge) {
      problem("maxAgeExclusive", "must be above minAge");
    }
    if (b.monetary !== (b.amounts !== null)) problem("amounts", "monetary benefits need amounts, others must have null");
    if (b.monetary !== (b.paymentsPerYear !== 0)) {
      problem("paymentsPerYear", "must be 12 or 13 for monetary benefits, 0 for others");
    }
    // A year with an amount but no limit (or the reverse) would be encoded as a zero limit
    // (or a zero amount) on chain: refuse the table instead of paying nothing or refusing everyone.
    if (b.amounts !== null && b.incomeLimits !== null) {
      const a = Object.keys(b.amounts).sort().join(",");
      const l = Object.keys(b.incomeLimits).sort().join(",");
      if (a !== l) problem("incomeLimits", `must cover the same years as amounts (amounts: ${a}; incomeLimits: ${l})`);
    }
  });

type BenefitRule = z.infer<typeof benefitSchema>;

const tableSchema = z
  .object({
    about: z.string().optional(),
    categories: z.array(categorySchema),
    // Not every flag needs a description (a partial record: zod 4's record over an enum wants all).
    flags: z.partialRecord(flagSchema, z.string()),
    benefits: z.array(z.unknown()).min(1),
    notes: z.array(z.string()).optional(),
  })
  .strict();

// ---- The encoded catalog ------------------------------------------------------------------

export interface Alternative {
  category: number;
  minPercentage: number;
  maxPercentage: number;
  /** FLAG bitmask: every bit must be set in the assessment. */
  requiredFlags: number;
}

export interface BenefitYear {
  year: number;
  /** euro cents; 0n for non-monetary benefits */
  monthlyAmountCents: bigint;
  /** euro cents; 0n when the benefit has no income limit */
  incomeLimitCents: bigint;
}

export interface Benefit {
  id: `0x${string}`;
  code: string;
  wave: number;
  monetary: boolean;
  paymentsPerYear: number;
  minAge: number;
  /** NO_MAX_AGE (255) when the table says null */
  maxAgeExclusive: number;
  suspendedByLongHospitalStay: boolean;
  alternatives: Alternative[];
  /** ascending by year */
  years: BenefitYear[];
  hasIncomeLimit: boolean;
}

export interface Catalog {
  benefits: Benefit[];
}

export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL("../../data/benefit-rules.json", import.meta.url));

function zodProblem(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  // A refused record key: zod reports "Invalid key in record" and the key's own refusal inside.
  const message = issue.code === "invalid_key" ? issue.issues[0]?.message ?? issue.message : issue.message;
  return { path, message };
}

function encodeBenefit(b: BenefitRule, field: string): Benefit {
  const topFlags = flagsToMask(b.requiredFlags, `${field}.requiredFlags`);
  const alternatives: Alternative[] = b.anyOf
    ? b.anyOf.map((alt, i) => ({
        category: CATEGORY[alt.category],
        minPercentage: alt.minPercentage ?? 0,
        maxPercentage: alt.maxPercentage ?? 100,
        // The benefit's own required flags apply whichever alternative is met.
        requiredFlags: topFlags | flagsToMask(alt.requiredFlags ?? [], `${field}.anyOf[${i}].requiredFlags`),
      }))
    : [{ category: CATEGORY[b.category!], minPercentage: b.minPercentage!, maxPercentage: b.maxPercentage!, requiredFlags: topFlags }];

  const years = [...new Set([...Object.keys(b.amounts ?? {}), ...Object.keys(b.incomeLimits ?? {})])]
    .sort()
    .map((year) => ({
      year: Number(year),
      monthlyAmountCents: BigInt(b.amounts?.[year] ?? 0),
      incomeLimitCents: BigInt(b.incomeLimits?.[year] ?? 0),
    }));

  return {
    id: benefitId(b.code),
    code: b.code,
    wave: b.wave,
    monetary: b.monetary,
    paymentsPerYear: b.paymentsPerYear,
    minAge: b.minAge,
    maxAgeExclusive: b.maxAgeExclusive ?? NO_MAX_AGE,
    suspendedByLongHospitalStay: b.suspendedByLongHospitalStay,
    alternatives,
    years,
    hasIncomeLimit: b.incomeLimits !== null,
  };
}

/** Validates a parsed rule table and encodes it; errors name the benefit and the field. */
export function parseCatalog(json: unknown): Catalog {
  const table = tableSchema.safeParse(json);
  if (!table.success) {
    const { path, message } = zodProblem(table.error);
    throw new ValidationError(path.replace(/^\./, ""), `rule table${path}: ${message}`, { code: "INVALID_CATALOG" });
  }
  const seen = new Set<string>();
  const benefits = table.data.benefits.map((raw, i) => {
    const code = (raw as { code?: unknown } | null)?.code;
    const where = typeof code === "string" ? `benefit ${code} (benefits[${i}])` : `benefits[${i}]`;
    const rule = benefitSchema.safeParse(raw);
    if (!rule.success) {
      const { path, message } = zodProblem(rule.error);
      throw new ValidationError(`benefits[${i}]${path}`, `${where}${path}: ${message}`, { code: "INVALID_CATALOG" });
    }
    if (seen.has(rule.data.code)) {
      throw new ValidationError(`benefits[${i}].code`, `${where}: duplicate benefit code`, { code: "INVALID_CATALOG" });
    }
    seen.add(rule.data.code);
    return encodeBenefit(rule.data, `benefits[${i}]`);
  });
  return { benefits };
}

/** Reads and encodes the rule table; by default the project's deployment copy. */
export function loadCatalog(path: string = DEFAULT_CATALOG_PATH): Catalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new PaChainError("CATALOG_UNREADABLE", `cannot read the rule table ${path}: ${(cause as Error).message}`, {
      status: 500,
      cause,
    });
  }
  return parseCatalog(json);
}

export function benefitByCode(catalog: Catalog, code: string): Benefit {
  const benefit = catalog.benefits.find((b) => b.code === code);
  if (benefit === undefined) {
    throw new ValidationError("benefit", `benefit: unknown benefit "${code}"`, { code: "UNKNOWN_BENEFIT" });
  }
  return benefit;
}

// ---- The catalog as the chain holds it ------------------------------------------------------
// The rule table above is only the seed the deployment writes on chain; once deployed, governance
// changes the catalog on chain (BenefitCatalog.defineBenefit, setYearTerms) and everyone reads it
// from there: the read API and the pages through the index, the payroll from the contract.

/** A benefit as BenefitCatalog stores it (its view `benefit`, and BenefitDefined's `newRule`). */
export type StoredBenefit = Pick<
  Benefit, "code" | "wave" | "monetary" | "paymentsPerYear" | "minAge" | "maxAgeExclusive" | "suspendedByLongHospitalStay" | "hasIncomeLimit"
> & {
  requirementCount: number;
  /** 32 bits per requirement: category | minPercentage << 8 | maxPercentage << 16 | flags << 24 */
  requirements: bigint;
};

/** Terms set for one year (YearTermsSet's `newTerms`); unset terms are left out. */
export interface StoredYearTerms {
  benefitId: string;
  year: number;
  monthlyAmountCents: bigint;
  incomeLimitCents: bigint;
}

/** The alternatives packed in a stored benefit's `requirements` word (BenefitCatalog's packing). */
export function unpackRequirements(packed: bigint, count: number): Alternative[] {
  return Array.from({ length: count }, (_, i) => {
    const word = Number((packed >> BigInt(32 * i)) & 0xffff_ffffn);
    return { category: word & 0xff, minPercentage: (word >> 8) & 0xff, maxPercentage: (word >> 16) & 0xff, requiredFlags: (word >>> 24) & 0xff };
  });
}

/** The catalog from what the chain stores: benefits in the order they were first defined. */
export function catalogFromChain(benefits: readonly StoredBenefit[], terms: readonly StoredYearTerms[]): Catalog {
  return {
    benefits: benefits.map(({ code, requirementCount, requirements, ...rule }) => {
      const id = benefitId(code);
      const years = terms
        .filter((t) => t.benefitId.toLowerCase() === id)
        .map(({ year, monthlyAmountCents, incomeLimitCents }) => ({ year, monthlyAmountCents, incomeLimitCents }))
        .sort((a, z) => a.year - z.year);
      return { id, code, ...rule, alternatives: unpackRequirements(requirements, requirementCount), years };
    }),
  };
}

/** The BenefitRule a benefit is defined with on chain (BenefitCatalog.defineBenefit's argument). */
export function ruleOf(benefit: Benefit) {
  return {
    wave: benefit.wave,
    monetary: benefit.monetary,
    paymentsPerYear: benefit.paymentsPerYear,
    minAge: benefit.minAge,
    maxAgeExclusive: benefit.maxAgeExclusive,
    suspendedByLongHospitalStay: benefit.suspendedByLongHospitalStay,
    hasIncomeLimit: benefit.hasIncomeLimit,
    requirements: benefit.alternatives.map(({ category, minPercentage, maxPercentage, requiredFlags }) => ({
      category, minPercentage, maxPercentage, requiredFlags,
    })),
  };
}
