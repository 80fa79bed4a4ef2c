// What an IO message says, in Italian or English. A message names no percentage, category or
// diagnosis, and not even the benefit's full name (several of them say the disability, e.g. "ai
// ciechi", and IO shows a subject in lock-screen notifications): it says "a benefit" or "an
// economic benefit" and the citizen page, behind SPID/CIE, says which. Amounts, dates and the
// chain's reason for a refusal (in plain words) are fine: they describe the service, not the person's health.
// IO's markdown front matter `cta_1` puts a button under the message that opens the claim page.
import { formatIsoDate, formatPeriod } from "../domain/dates.ts";
import type { ReasonName } from "../domain/catalog.ts";
import { reasonText } from "../api/services/plain-language.ts";
import type { Notice } from "./store.ts";

export type Language = "it" | "en";

export interface IoContent {
  subject: string;
  markdown: string;
}

/** IO's limits on a message (io-functions-services' MessageContent). */
export const SUBJECT_LENGTH = { min: 10, max: 120 } as const;
export const MARKDOWN_LENGTH = { min: 80, max: 10_000 } as const;

/** IO's preferred_languages (it_IT, en_GB, …): English when the first is English, else Italian. */
export function languageOf(preferred: readonly string[]): Language {
  return preferred[0]?.toLowerCase().startsWith("en") ? "en" : "it";
}

const euro = (cents: number, language: Language) =>
  (cents / 100).toLocaleString(language === "it" ? "it-IT" : "en-GB", { style: "currency", currency: "EUR" });

const day = (ymd: unknown) => formatIsoDate(Number(ymd)).split("-").reverse().join("/");

function label(params: Record<string, unknown>, language: Language): string {
  const monetary = params.monetary === true;
  if (language === "it") return monetary ? "una prestazione economica INPS" : "un'agevolazione";
  return monetary ? "an INPS economic benefit" : "a support measure";
}

/** The link the call to action opens: the citizen page, at the notice (the page shows its benefit). */
export function claimLink(claimUrl: string, noticeId: number): string {
  const url = new URL(claimUrl);
  url.searchParams.set("avviso", String(noticeId));
  url.hash = "richiedi";
  return url.toString();
}

function frontMatter(link: string): string {
  // Both languages: IO picks the one of the app's setting.
  return [
    "---",
    "it:",
    "    cta_1:",
    '        text: "Richiedi"',
    `        action: "iohandledlink://${link}"`,
    "en:",
    "    cta_1:",
    '        text: "Claim"',
    `        action: "iohandledlink://${link}"`,
    "---",
    "",
  ].join("\n");
}

const FOOTER: Record<Language, string> = {
  it: "\n\nQuesto avviso ti arriva da INPS attraverso PA Chain. Trovi il dettaglio nella tua pagina personale del servizio, con accesso SPID o CIE.",
  en: "\n\nThis notice comes from INPS through PA Chain. The details are on your personal page of the service, signed in with SPID or CIE.",
};

/** The IO content of a notice in `language`; `claimUrl` is where the call to action lands. */
export function render(notice: Pick<Notice, "id" | "kind" | "params">, language: Language, claimUrl: string): IoContent {
  const p = notice.params;
  const it = language === "it";
  const what = label(p, language);
  let subject: string;
  let body: string;
  let cta = false;
  switch (notice.kind) {
    case "ENTITLED_UNCLAIMED":
      subject = it ? "Hai diritto a una prestazione che non hai ancora richiesto" : "You are entitled to a benefit you have not claimed";
      body = it
        ? `In base ai dati certificati sulla piattaforma, da oggi hai diritto a ${what} che non hai ancora richiesto. Puoi richiederla con un solo passaggio: premi **Richiedi** qui sotto e conferma nella tua pagina.`
        : `According to the certified records, you are now entitled to ${what} you have not claimed yet. You can claim it in one step: press **Claim** below and confirm on your page.`;
      cta = true;
      break;
    case "CLAIM_GRANTED":
      subject = it ? "La tua domanda è stata accolta" : "Your claim has been granted";
      body = it
        ? `INPS ha accolto la tua domanda per ${what}, con decisione registrata il ${day(p.date)}.${p.monthlyAmountCents ? ` L'importo mensile è di ${euro(Number(p.monthlyAmountCents), language)}.` : ""}`
        : `INPS granted your claim for ${what}, decided on ${day(p.date)}.${p.monthlyAmountCents ? ` The monthly amount is ${euro(Number(p.monthlyAmountCents), language)}.` : ""}`;
      break;
    case "CLAIM_REFUSED": {
      const reason = reasonText(p.reason as ReasonName)?.[language] ?? String(p.reason);
      subject = it ? "La tua domanda non è stata accolta" : "Your claim was not granted";
      body = it
        ? `INPS non ha accolto la tua domanda per ${what} (decisione del ${day(p.date)}). Il motivo: ${reason} Se la situazione cambia, puoi presentare una nuova domanda dalla tua pagina.`
        : `INPS did not grant your claim for ${what} (decided on ${day(p.date)}). The reason: ${reason} If things change, you can claim again from your page.`;
      break;
    }
    case "PAYMENT_MADE": {
      const yyyymm = formatPeriod(Number(p.period));
      const period = new Date(`${yyyymm}-01T00:00:00Z`).toLocaleDateString(it ? "it-IT" : "en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
      const thirteenth = p.thirteenth === true;
      subject = it ? `Pagamento di ${period} disposto` : `Payment for ${period} made`;
      body = it
        ? `INPS ha disposto il pagamento di ${euro(Number(p.amountCents), language)} per ${what}, mese di ${period}.${thirteenth ? " Il pagamento di dicembre comprende la tredicesima mensilità." : ""}`
        : `INPS paid ${euro(Number(p.amountCents), language)} for ${what}, month ${period}.${thirteenth ? " The December payment includes the thirteenth monthly instalment." : ""}`;
      break;
    }
    case "BENEFIT_STOPPED": {
      const reason = reasonText(p.reason as ReasonName)?.[language] ?? String(p.reason);
      subject = it ? "Una tua prestazione è sospesa o cessata" : "One of your benefits was suspended or stopped";
      body = it
        ? `Dai dati certificati risulta che ${what} che ricevi non spetta più a questa data. Il motivo: ${reason} Se ritieni che sia un errore, contatta INPS o il tuo patronato.`
        : `According to the certified records, ${what} you receive is no longer due at this date. The reason: ${reason} If you think this is a mistake, contact INPS or your patronato.`;
      break;
    }
    case "REVIEW_SOON":
      subject = it ? "La tua revisione si avvicina" : "Your review is coming up";
      body = it
        ? `La revisione dell'accertamento su cui si basano le tue prestazioni è prevista per il ${day(p.reviewDate)}. Riceverai la convocazione dalla tua ASL: presentarsi evita la sospensione dei pagamenti.`
        : `The review of the assessment your benefits rest on is due on ${day(p.reviewDate)}. Your health authority will call you: attending avoids a suspension of payments.`;
      break;
    case "AGE_LIMIT_SOON":
      subject = it ? "Una tua prestazione cambierà con il compleanno" : "One of your benefits changes with your birthday";
      body = it
        ? `Dal ${day(p.from)} ${what} che ricevi non spetterà più per i limiti di età previsti. Controlla nella tua pagina se ti spettano altre prestazioni da quella data.`
        : `From ${day(p.from)}, ${what} you receive will no longer be due because of its age limits. Check on your page whether other benefits are due to you from that date.`;
      break;
    case "HOSPITAL_SUSPENSION_SOON":
      subject = it ? "Ricovero lungo: possibile sospensione" : "Long hospital stay: possible suspension";
      body = it
        ? `Se il ricovero a carico pubblico in corso prosegue, dal ${day(p.from)} ${what} sarà sospesa fino alle dimissioni, come previsto dalle regole. Riprenderà da sola dopo le dimissioni.`
        : `If the ongoing publicly funded hospital stay continues, from ${day(p.from)} ${what} will be suspended until discharge, as the rules provide. It resumes by itself after discharge.`;
      break;
    case "INCOME_NEAR_LIMIT":
      subject = it ? "Reddito vicino al limite" : "Income close to the limit";
      body = it
        ? `Il reddito certificato per il ${String(p.year)} è vicino al limite previsto per ${what} che ricevi. Se supera il limite, la prestazione non spetta per quell'anno.`
        : `The income certified for ${String(p.year)} is close to the limit of ${what} you receive. Above the limit, the benefit is not due for that year.`;
      break;
  }
  if (typeof p.reference === "string") body += it ? ` Riferimento della domanda: ${p.reference}.` : ` Claim reference: ${p.reference}.`;
  const markdown = `${cta ? frontMatter(claimLink(claimUrl, notice.id)) : ""}${body}${FOOTER[language]}`;
  return { subject: subject.slice(0, SUBJECT_LENGTH.max), markdown: markdown.slice(0, MARKDOWN_LENGTH.max) };
}
