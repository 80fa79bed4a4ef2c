// ISTAT territorial codes. A municipality code is 6 digits: 3 for the province, 3 for the
// municipality within it ("058091" is Roma: province 058, municipality 091). On chain it is a
// plain number (58091), so the leading zeros only exist in text and must survive formatting.
// The province is what a PILOT wave filters on (RULES.md, step 3).

import { ValidationError } from "../errors.ts";

// Highest province code currently assigned (111, Sud Sardegna); a larger one is a typo.
export const MAX_PROVINCE = 111;

function invalid(field: string, problem: string): ValidationError {
  return new ValidationError(field, `${field}: ${problem}`, { code: "INVALID_ISTAT_CODE" });
}

// Numbers are refused on purpose: JSON 058091 is not valid and 58091 has lost its zero, so a
// number in the input usually means the source mangled the code.
function digits(s: unknown, count: number, field: string, what: string): string {
  if (typeof s !== "string" || !new RegExp(`^\\d{${count}}$`).test(s)) {
    throw invalid(field, `expected ${what} as a string of exactly ${count} digits, got ${JSON.stringify(s)}`);
  }
  return s;
}

function checkProvince(province: number, field: string, shown: string): void {
  if (province < 1 || province > MAX_PROVINCE) {
    throw invalid(field, `province ${shown} is outside 001-${MAX_PROVINCE}`);
  }
}

/** "058091" → 58091 */
export function parseIstatMunicipalityCode(s: unknown, field: string): number {
  const text = digits(s, 6, field, "an ISTAT municipality code");
  checkProvince(Number(text.slice(0, 3)), field, text.slice(0, 3));
  if (text.slice(3) === "000") throw invalid(field, `municipality number 000 does not exist (province ${text.slice(0, 3)})`);
  return Number(text);
}

/** 58091 → "058091" */
export function formatIstatCode(code: number): string {
  if (!Number.isInteger(code) || code < 1_001 || code > MAX_PROVINCE * 1_000 + 999) {
    throw invalid("code", `${code} is not an ISTAT municipality code`);
  }
  return String(code).padStart(6, "0");
}

/** 58091 → 58 */
export function provinceOf(code: number): number {
  return Math.floor(code / 1_000);
}

/** "058" → 58 */
export function parseProvinceCode(s: unknown, field: string): number {
  const text = digits(s, 3, field, "an ISTAT province code");
  checkProvince(Number(text), field, text);
  return Number(text);
}
