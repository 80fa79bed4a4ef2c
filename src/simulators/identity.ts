// Who the simulated people are: names, places of birth and residence, fiscal codes.
// The eight municipalities are the demo consortium's (src/demo/consortium.ts); the residents are
// spread roughly as their real populations (ISTAT, 1 January 2024).
import { DEMO_ORGANISATIONS } from "../demo/consortium.ts";
import { fiscalCodeCheckChar, makeFiscalCode } from "../domain/fiscal-code.ts";
import { formatIsoDate } from "../domain/dates.ts";

export interface Municipality {
  /** Slug of the demo organisation that signs its civil records. */
  slug: string;
  name: string;
  /** ISTAT municipality code as on chain (58091 for "058091"). */
  istat: number;
  /** Cadastral (Belfiore) code used in the fiscal codes of people born there. */
  belfiore: string;
  residents: number;
}

const PLACES: Record<string, { name: string; belfiore: string; residents: number }> = {
  "comune-roma": { name: "Roma", belfiore: "H501", residents: 2_755_000 },
  "comune-milano": { name: "Milano", belfiore: "F205", residents: 1_372_000 },
  "comune-napoli": { name: "Napoli", belfiore: "F839", residents: 909_000 },
  "comune-torino": { name: "Torino", belfiore: "L219", residents: 841_000 },
  "comune-palermo": { name: "Palermo", belfiore: "G273", residents: 625_000 },
  "comune-bologna": { name: "Bologna", belfiore: "A944", residents: 391_000 },
  "comune-firenze": { name: "Firenze", belfiore: "D612", residents: 361_000 },
  "comune-brescia": { name: "Brescia", belfiore: "B157", residents: 199_000 },
};

// The ISTAT codes come from the demo consortium, so the two can never disagree.
export const MUNICIPALITIES: readonly Municipality[] = DEMO_ORGANISATIONS.filter((o) => o.kind === "MUNICIPALITY").map(
  (o) => {
    const place = PLACES[o.slug];
    if (place === undefined) throw new Error(`simulators: no place data for demo municipality ${o.slug}`);
    return { slug: o.slug, istat: o.code, ...place };
  },
);

export function municipalityByIstat(istat: number): Municipality {
  const found = MUNICIPALITIES.find((m) => m.istat === istat);
  if (found === undefined) throw new Error(`simulators: ${istat} is not a demo municipality`);
  return found;
}

/** Foreign countries of birth (cadastral Z codes) of the largest communities resident in Italy. */
export const FOREIGN_BIRTHPLACES = ["Z129", "Z100", "Z330", "Z210", "Z138", "Z216", "Z222", "Z249", "Z336", "Z611"] as const;

export const SURNAMES = [
  "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
  "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
  "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
  "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
  "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini",
  "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti",
] as const;

export const MALE_NAMES = [
  "Giuseppe", "Giovanni", "Antonio", "Mario", "Luigi", "Francesco", "Angelo", "Vincenzo", "Pietro", "Salvatore",
  "Carlo", "Franco", "Domenico", "Bruno", "Paolo", "Michele", "Giorgio", "Aldo", "Sergio", "Luciano",
  "Marco", "Alessandro", "Andrea", "Matteo", "Lorenzo", "Leonardo", "Davide", "Stefano", "Gabriele", "Riccardo",
  "Tommaso", "Edoardo",
] as const;

export const FEMALE_NAMES = [
  "Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Giovanna", "Teresa", "Lucia", "Carmela", "Caterina",
  "Francesca", "Antonietta", "Carla", "Elena", "Rita", "Paola", "Laura", "Giulia", "Chiara", "Sara",
  "Valentina", "Federica", "Silvia", "Martina", "Alessia", "Sofia", "Aurora", "Giorgia", "Alice", "Beatrice",
  "Emma", "Ginevra",
] as const;

const VOWELS = new Set(["A", "E", "I", "O", "U"]);

function letters(s: string): { consonants: string[]; vowels: string[] } {
  // Spaces and apostrophes are dropped ("D'Angelo" → DANGELO), as the Agenzia delle Entrate does.
  const chars = [...s.toUpperCase().replace(/[^A-Z]/g, "")];
  return { consonants: chars.filter((c) => !VOWELS.has(c)), vowels: chars.filter((c) => VOWELS.has(c)) };
}

/** The surname's three letters: consonants, then vowels, then X. */
export function surnameLetters(surname: string): string {
  const { consonants, vowels } = letters(surname);
  return [...consonants, ...vowels, "X", "X", "X"].slice(0, 3).join("");
}

/** The name's three letters: with four or more consonants, the 1st, 3rd and 4th. */
export function nameLetters(name: string): string {
  const { consonants, vowels } = letters(name);
  if (consonants.length >= 4) return consonants[0]! + consonants[2]! + consonants[3]!;
  return [...consonants, ...vowels, "X", "X", "X"].slice(0, 3).join("");
}

export interface Identity {
  surname: string;
  name: string;
  female: boolean;
  /** YYYYMMDD */
  birthDate: number;
  /** Cadastral code of the place of birth. */
  birthPlace: string;
}

export function baseFiscalCode(identity: Identity): string {
  return makeFiscalCode({
    surname3: surnameLetters(identity.surname),
    name3: nameLetters(identity.name),
    birthDate: formatIsoDate(identity.birthDate),
    female: identity.female,
    placeCode: identity.birthPlace,
  });
}

const OMOCODIA_LETTERS = "LMNPQRSTUV";
// 1-based digit positions, replaced from the right: 15, 14, 13, 11, 10, 8, 7.
const OMOCODIA_ORDER = [15, 14, 13, 11, 10, 8, 7];

/**
 * The omocodia variant of level `level` (1–7): the `level` rightmost digits become letters and the
 * check character is recomputed, as the Agenzia delle Entrate does for a second person with the
 * same code.
 */
export function omocodia(code: string, level: number): string {
  const chars = [...code.slice(0, 15)];
  for (const position of OMOCODIA_ORDER.slice(0, level)) {
    const c = chars[position - 1]!;
    if (c >= "0" && c <= "9") chars[position - 1] = OMOCODIA_LETTERS[Number(c)]!;
  }
  const first15 = chars.join("");
  return first15 + fiscalCodeCheckChar(first15);
}
