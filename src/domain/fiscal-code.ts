// Italian codice fiscale of a natural person (DM 23/12/1976, DPR 605/1973): 16 characters,
//   SSS NNN YY M DD PPPP C
//   surname, name, year, month letter, day (+40 for women), place of birth, check character.
// Omocodia: when two people would get the same code, the Agenzia delle Entrate replaces digits
// (from the right) with letters L M N P Q R S T U V standing for 0–9, and recomputes the check
// character. Such a code is as valid as the original, so it must be accepted.
//
// Error messages never repeat the code itself: it is personal data and messages end up in logs.

import { ValidationError } from "../errors.ts";
import { daysInMonth, parseIsoDate } from "./dates.ts";

const LENGTH = 16;
const MONTH_LETTERS = "ABCDEHLMPRST"; // January … December
const OMOCODIA_LETTERS = "LMNPQRSTUV"; // stand for 0 … 9
// 1-based positions that hold digits in a plain code and may hold omocodia letters.
const DIGIT_POSITIONS = new Set([7, 8, 10, 11, 13, 14, 15]);

// Values of a character in an odd (1-based) position, indexed by its digit value or letter
// index (the official table gives "0" and "A" the same value, "1" and "B", and so on).
const ODD_VALUES = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

function isLetter(c: string): boolean {
  return c >= "A" && c <= "Z";
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

// In even positions the value is simply the digit, or the letter's index (A=0 … Z=25).
function indexOf(c: string): number {
  return isDigit(c) ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 65;
}

/** Check character of the first 15 characters (already upper-case and well formed). */
export function fiscalCodeCheckChar(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const index = indexOf(first15[i]!);
    sum += i % 2 === 0 ? ODD_VALUES[index]! : index; // i is 0-based: i even = odd position
  }
  return String.fromCharCode(65 + (sum % 26));
}

// A digit position read back as a digit, whether written plainly or as an omocodia letter.
function digitAt(code: string, position: number): number {
  const c = code[position - 1]!;
  return isDigit(c) ? Number(c) : OMOCODIA_LETTERS.indexOf(c);
}

function invalid(field: string, problem: string): ValidationError {
  return new ValidationError(field, `${field}: invalid fiscal code: ${problem}`, { code: "INVALID_FISCAL_CODE" });
}

/** Validates a person's fiscal code; returns it trimmed and upper-cased. */
export function parseFiscalCode(input: unknown, field = "fiscalCode"): string {
  if (typeof input !== "string") throw invalid(field, `expected a string, got ${typeof input}`);
  const code = input.trim().toUpperCase();
  if (code.length !== LENGTH) throw invalid(field, `must be ${LENGTH} characters, got ${code.length}`);

  for (let position = 1; position <= LENGTH; position++) {
    const c = code[position - 1]!;
    if (DIGIT_POSITIONS.has(position)) {
      if (!isDigit(c) && !OMOCODIA_LETTERS.includes(c)) {
        throw invalid(field, `character at position ${position} is "${c}", expected a digit or one of ${OMOCODIA_LETTERS}`);
      }
    } else if (!isLetter(c)) {
      throw invalid(field, `character at position ${position} is "${c}", expected a letter A-Z`);
    }
  }

  const monthLetter = code[8]!;
  const month = MONTH_LETTERS.indexOf(monthLetter) + 1;
  if (month === 0) throw invalid(field, `month letter "${monthLetter}" (position 9) is not one of ${MONTH_LETTERS}`);

  // Women's days are 41–71. The year has only two digits, so 29 February is always allowed.
  const encodedDay = digitAt(code, 10) * 10 + digitAt(code, 11);
  const day = encodedDay > 40 ? encodedDay - 40 : encodedDay;
  if (day < 1 || day > daysInMonth(2000, month)) {
    throw invalid(field, `day ${encodedDay} (positions 10-11) is not a day of month ${monthLetter} (01-${daysInMonth(2000, month)}, or +40 for women)`);
  }

  const expected = fiscalCodeCheckChar(code);
  if (code[15] !== expected) throw invalid(field, `check character expected ${expected}, got ${code[15]}`);
  return code;
}

export function isValidFiscalCode(input: unknown): boolean {
  try {
    parseFiscalCode(input);
    return true;
  } catch {
    return false;
  }
}

export interface FiscalCodeParts {
  /** The three surname letters, already derived (e.g. "RSS" for Rossi). */
  surname3: string;
  /** The three name letters, already derived (e.g. "MRA" for Mario). */
  name3: string;
  /** YYYY-MM-DD */
  birthDate: string;
  female: boolean;
  /** Cadastral code of the municipality or foreign country of birth, e.g. "H501" (Roma). */
  placeCode: string;
}

/** Builds a valid (non-omocodia) fiscal code, check character included; for simulators and tests. */
export function makeFiscalCode(parts: FiscalCodeParts): string {
  const surname3 = parts.surname3.toUpperCase();
  const name3 = parts.name3.toUpperCase();
  const placeCode = parts.placeCode.toUpperCase();
  if (!/^[A-Z]{3}$/.test(surname3)) throw new ValidationError("surname3", "surname3: expected 3 letters");
  if (!/^[A-Z]{3}$/.test(name3)) throw new ValidationError("name3", "name3: expected 3 letters");
  if (!/^[A-Z]\d{3}$/.test(placeCode)) {
    throw new ValidationError("placeCode", "placeCode: expected a letter and 3 digits, e.g. H501");
  }
  const ymd = parseIsoDate(parts.birthDate, "birthDate");
  const year = Math.floor(ymd / 10_000) % 100;
  const month = Math.floor(ymd / 100) % 100;
  const day = (ymd % 100) + (parts.female ? 40 : 0);
  const first15 =
    surname3 + name3 + String(year).padStart(2, "0") + MONTH_LETTERS[month - 1] + String(day).padStart(2, "0") + placeCode;
  return first15 + fiscalCodeCheckChar(first15);
}
