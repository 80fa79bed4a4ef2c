// What the chain's codes mean for a person, in Italian first and English: benefit names, the
// reasons of the entitlement check, and one sentence per timeline item. Texts only, no rules.
import type { ReasonName } from "../../domain/catalog.ts";
import { formatDay, formatEuro, formatMonth } from "../../web/assets/format.js";

export interface Text {
  it: string;
  en: string;
}

const BENEFIT_NAMES: Record<string, Text> = {
  INV_PENSIONE_INABILITA: { it: "Pensione di inabilità (invalidi civili totali)", en: "Incapacity pension (total civil invalidity)" },
  INV_ASSEGNO_MENSILE: { it: "Assegno mensile di assistenza (invalidi civili parziali)", en: "Monthly assistance allowance (partial civil invalidity)" },
  INV_INDENNITA_ACCOMPAGNAMENTO: { it: "Indennità di accompagnamento", en: "Attendance allowance" },
  INV_INDENNITA_FREQUENZA: { it: "Indennità di frequenza (minori)", en: "Attendance allowance for minors at school or therapy" },
  CIECHI_ASSOLUTI_PENSIONE: { it: "Pensione ai ciechi assoluti", en: "Pension for the totally blind" },
  CIECHI_ASSOLUTI_ACCOMPAGNAMENTO: { it: "Indennità di accompagnamento ai ciechi assoluti", en: "Attendance allowance for the totally blind" },
  CIECHI_VENTESIMISTI_PENSIONE: { it: "Pensione ai ciechi parziali (ventesimisti)", en: "Pension for the partially blind" },
  CIECHI_VENTESIMISTI_INDENNITA_SPECIALE: { it: "Indennità speciale ai ciechi parziali", en: "Special allowance for the partially blind" },
  SORDI_PENSIONE: { it: "Pensione ai sordi", en: "Pension for the deaf" },
  SORDI_INDENNITA_COMUNICAZIONE: { it: "Indennità di comunicazione ai sordi", en: "Communication allowance for the deaf" },
  L104_PERMESSI: { it: "Permessi e agevolazioni Legge 104/1992", en: "Leave and support under Law 104/1992" },
  L68_COLLOCAMENTO_MIRATO: { it: "Collocamento mirato al lavoro (Legge 68/1999)", en: "Targeted job placement (Law 68/1999)" },
  EU_DISABILITY_CARD: { it: "Carta europea della disabilità", en: "European Disability Card" },
};

/** A benefit's name for people; the code itself for a benefit this list does not know yet. */
export function benefitName(code: string): Text {
  return BENEFIT_NAMES[code] ?? { it: code, en: code };
}

const REASON_TEXT: Record<ReasonName, Text> = {
  ELIGIBLE: { it: "Hai diritto a questa prestazione.", en: "You are entitled to this benefit." },
  NO_CIVIL_RECORD: { it: "Il Comune non ha ancora certificato nascita e residenza.", en: "Your municipality has not yet certified birth and residence." },
  DECEASED: { it: "La persona risulta deceduta.", en: "The person is recorded as deceased." },
  BENEFIT_NOT_LIVE: { it: "La prestazione non è ancora attiva nella tua provincia.", en: "The benefit is not yet live in your province." },
  NO_VALID_ASSESSMENT: { it: "Non c'è un accertamento sanitario valido a questa data.", en: "There is no valid medical assessment at this date." },
  REQUIREMENT_NOT_MET: { it: "L'accertamento sanitario non soddisfa i requisiti della prestazione.", en: "The medical assessment does not meet the benefit's requirements." },
  AGE_OUT_OF_RANGE: { it: "L'età non rientra nei limiti previsti.", en: "Your age is outside the benefit's range." },
  INCOME_NOT_ATTESTED: { it: "INPS non ha ancora certificato il reddito dell'anno.", en: "INPS has not yet certified the year's income." },
  INCOME_ABOVE_LIMIT: { it: "Il reddito supera il limite dell'anno.", en: "Income is above the year's limit." },
  HOSPITALISED: { it: "Sospesa durante un ricovero lungo a carico pubblico.", en: "Suspended during a long publicly funded hospital stay." },
  NOT_MONETARY: { it: "La prestazione non prevede pagamenti.", en: "The benefit involves no payments." },
  PERIOD_IN_FUTURE: { it: "Il mese non è ancora iniziato.", en: "The month has not started yet." },
  ALREADY_PAID: { it: "Questo mese è già stato pagato.", en: "This month has already been paid." },
};

export function reasonText(reason: ReasonName): Text {
  return REASON_TEXT[reason];
}

const CATEGORY_TEXT: Record<string, Text> = {
  CIVIL_INVALIDITY: { it: "invalidità civile", en: "civil invalidity" },
  BLINDNESS: { it: "cecità", en: "blindness" },
  DEAFNESS: { it: "sordità", en: "deafness" },
  HANDICAP_L104: { it: "handicap (Legge 104/1992)", en: "handicap (Law 104/1992)" },
};

/** RevocationRecord.reason 1-4 in words. */
const REVOCATION_REASON_TEXT: Text[] = [
  { it: "ricorso accolto", en: "appeal upheld" },
  { it: "errore materiale", en: "clerical error" },
  { it: "frode accertata", en: "fraud established" },
  { it: "altro motivo", en: "other reason" },
];

/** An assessment category in words ("invalidità civile"), never the code. */
export function categoryText(category: string): Text {
  return CATEGORY_TEXT[category] ?? { it: category.toLowerCase().replaceAll("_", " "), en: category.toLowerCase().replaceAll("_", " ") };
}

// The pages' one formatter (src/web/assets/format.js): "6 aprile 2026", "dicembre 2026", "1.064,98 €".
const euro = (cents: number | null, lang: "it" | "en") => formatEuro(cents, lang);
const day = (ymd: number | null, lang: "it" | "en" = "it") => formatDay(ymd, lang);
const month = (yyyymm: number, lang: "it" | "en") => formatMonth(yyyymm, lang);

/** The facts of a timeline, as the person would say them. */
export type Narratable =
  | { type: "fact"; kind: "civil"; org: string; birthDate: number; residence: number }
  | { type: "fact"; kind: "death"; org: string; deathDate: number }
  | { type: "fact"; kind: "assessment"; org: string; category: string; percentage: number; effectiveDate: number; reviewDate: number | null }
  | { type: "fact"; kind: "revocation"; org: string; /** RevocationRecord.reason, 1-4 */ reason?: number | null }
  | { type: "fact"; kind: "income"; org: string; year: number; amountCents: number | null }
  | { type: "fact"; kind: "hospitalStay"; org: string; admission: number; discharge: number | null }
  | { type: "decision"; benefit: string; eligible: boolean; reason: ReasonName; date: number }
  | { type: "payment"; benefit: string; period: number; amountCents: number | null; /** the benefit pays 13 times a year */ thirteenth?: boolean }
  | { type: "refusal"; benefit: string; period: number; reason: ReasonName };

export function narrate(item: Narratable): Text {
  switch (item.type) {
    case "fact":
      switch (item.kind) {
        case "civil":
          // The certifying municipality is the place of residence: its name says more than the ISTAT code.
          return {
            it: `${item.org} ha certificato la nascita (${day(item.birthDate)}) e la residenza.`,
            en: `${item.org} certified the birth (${day(item.birthDate, "en")}) and residence.`,
          };
        case "death":
          return { it: `${item.org} ha certificato il decesso (${day(item.deathDate)}).`, en: `${item.org} certified the death (${day(item.deathDate, "en")}).` };
        case "assessment":
          return {
            it: `${item.org} ha certificato un accertamento di ${categoryText(item.category).it} al ${item.percentage}%, valido dal ${day(item.effectiveDate)}${item.reviewDate ? `, con revisione il ${day(item.reviewDate)}` : ", senza revisione"}.`,
            en: `${item.org} certified an assessment of ${categoryText(item.category).en} at ${item.percentage}%, valid from ${day(item.effectiveDate, "en")}${item.reviewDate ? `, review on ${day(item.reviewDate, "en")}` : ", no review"}.`,
          };
        case "revocation":
        {
          const why = REVOCATION_REASON_TEXT[(item.reason ?? 0) - 1];
          return why
            ? { it: `${item.org} ha revocato un accertamento (${why.it}).`, en: `${item.org} revoked an assessment (${why.en}).` }
            : { it: `${item.org} ha revocato un accertamento.`, en: `${item.org} revoked an assessment.` };
        }
        case "income":
          return {
            it: `${item.org} ha certificato il reddito ${item.year}: ${euro(item.amountCents, "it")}.`,
            en: `${item.org} certified the ${item.year} income: ${euro(item.amountCents, "en")}.`,
          };
        case "hospitalStay":
          return {
            it: `${item.org} ha certificato un ricovero dal ${day(item.admission)}${item.discharge ? ` al ${day(item.discharge)}` : " (in corso)"}.`,
            en: `${item.org} certified a hospital stay from ${day(item.admission, "en")}${item.discharge ? ` to ${day(item.discharge, "en")}` : " (ongoing)"}.`,
          };
      }
      break;
    case "decision": {
      const name = benefitName(item.benefit);
      const why = reasonText(item.reason);
      return item.eligible
        ? { it: `INPS ha accolto la domanda di ${name.it} (dal ${day(item.date)}).`, en: `INPS granted the application for ${name.en} (from ${day(item.date, "en")}).` }
        : { it: `INPS ha respinto la domanda di ${name.it}: ${why.it}`, en: `INPS refused the application for ${name.en}: ${why.en}` };
    }
    case "payment": {
      const name = benefitName(item.benefit);
      // December pays the monthly amount twice for 13-payment benefits: say why the amount doubled.
      const december = item.period % 100 === 12 && item.thirteenth === true;
      return {
        it: `INPS ha pagato ${euro(item.amountCents, "it")} di ${name.it} per ${month(item.period, "it")}${december ? " (mensilità più tredicesima)" : ""}.`,
        en: `INPS paid ${euro(item.amountCents, "en")} of ${name.en} for ${month(item.period, "en")}${december ? " (monthly amount plus the thirteenth payment)" : ""}.`,
      };
    }
    case "refusal": {
      const name = benefitName(item.benefit);
      const why = reasonText(item.reason);
      return {
        it: `Il pagamento di ${name.it} per ${month(item.period, "it")} non è stato eseguito: ${why.it}`,
        en: `The payment of ${name.en} for ${month(item.period, "en")} was not made: ${why.en}`,
      };
    }
  }
}
