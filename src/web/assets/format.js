// The one formatter of dates, months and amounts, shared by the pages (as an ES module) and the
// read API's sentences (src/api/services/plain-language.ts): "6 aprile 2026", "dicembre 2026",
// "1.064,98 €". Written out instead of Intl so that every browser and Node build (with or without
// full ICU; Intl's it-IT leaves "1064,98 €" ungrouped) prints the same text.

const MONTHS = {
  it: ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
};

const language = (lang) => (lang === "en" ? "en" : "it");

/** YYYY-MM-DD (or a longer ISO string, or YYYYMMDD as a number) → [year, month 1-12, day]. */
function parts(value) {
  if (typeof value === "number") return [Math.floor(value / 10000), Math.floor(value / 100) % 100, value % 100];
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(String(value));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 1)] : null;
}

/** "6 aprile 2026" / "6 April 2026"; "—" when there is no date. */
export function formatDay(value, lang = "it") {
  const p = value === null || value === undefined || value === "" || value === 0 ? null : parts(value);
  if (!p) return "—";
  return `${p[2]} ${MONTHS[language(lang)][p[1] - 1]} ${p[0]}`;
}

/** "dicembre 2026" / "December 2026", from YYYY-MM or YYYYMM. */
export function formatMonth(value, lang = "it") {
  if (value === null || value === undefined || value === "") return "—";
  const p = typeof value === "number" ? [Math.floor(value / 100), value % 100] : parts(value);
  if (!p) return "—";
  return `${MONTHS[language(lang)][p[1] - 1]} ${p[0]}`;
}

/** "1.064,98 €" / "€1,064.98" from euro cents; "—" when unknown. */
export function formatEuro(cents, lang = "it") {
  if (cents === null || cents === undefined || !Number.isFinite(Number(cents))) return "—";
  const value = Number(cents);
  const negative = value < 0;
  const abs = Math.abs(Math.round(value));
  const units = String(Math.floor(abs / 100));
  const decimals = String(abs % 100).padStart(2, "0");
  const en = language(lang) === "en";
  const grouped = units.replace(/\B(?=(\d{3})+(?!\d))/g, en ? "," : ".");
  const number = `${grouped}${en ? "." : ","}${decimals}`;
  return `${negative ? "-" : ""}${en ? `€${number}` : `${number} €`}`;
}

/** A moment (ISO timestamp) as a day and time in Rome: "6 aprile 2026, 14:05". */
export function formatDateTime(iso, lang = "it") {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  // Rome's offset: +1, or +2 from the last Sunday of March to the last Sunday of October (01:00 UTC).
  const year = date.getUTCFullYear();
  const lastSunday = (month) => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
  };
  const summer = date.getTime() >= lastSunday(2) && date.getTime() < lastSunday(9);
  const rome = new Date(date.getTime() + (summer ? 2 : 1) * 3_600_000);
  const day = formatDay(rome.toISOString().slice(0, 10), lang);
  const time = `${String(rome.getUTCHours()).padStart(2, "0")}:${String(rome.getUTCMinutes()).padStart(2, "0")}`;
  return language(lang) === "en" ? `${day}, ${time}` : `${day}, ore ${time}`;
}

/** A percentage range in words' shape: "74–99%", or "100%" when both ends agree. */
export function formatRange(min, max) {
  return min === max ? `${min}%` : `${min}–${max}%`;
}

/** "dic 26" / "Dec 26": a month on a chart's axis. */
export function formatMonthShort(value, lang = "it") {
  const full = formatMonth(value, lang);
  if (full === "—") return full;
  const [name, year] = full.split(" ");
  return `${name.slice(0, 3)} ${year.slice(2)}`;
}

/** An amount on a chart's axis: "12 k€", "1,2 mln €" / "€12k", "€1.2m". */
export function formatEuroShort(cents, lang = "it") {
  const euros = Number(cents) / 100;
  const en = language(lang) === "en";
  const one = (v) => (Math.round(v * 10) / 10).toString().replace(".", en ? "." : ",");
  if (euros >= 1_000_000) return en ? `€${one(euros / 1_000_000)}m` : `${one(euros / 1_000_000)} mln €`;
  if (euros >= 1_000) return en ? `€${one(euros / 1_000)}k` : `${one(euros / 1_000)} k€`;
  return en ? `€${Math.round(euros)}` : `${Math.round(euros)} €`;
}
