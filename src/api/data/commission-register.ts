// A commission's own register: the verbale number (sourceId) and the person behind each of its
// assessments, which never reach the chain (the chain holds the hash of the verbale number and a
// pseudonym). Read from the commissions' own systems, the feeds the oracle reads (the health
// authorities' for their commissions, INPS's for its own), and from the submissions made through
// this API; the page shows the person's initials only. What the feeds say is kept in memory and
// read again after a restart; what was submitted through this API is also written to a small
// table (SQLite or PostgreSQL, beside the access log), so a restarted API still lists it with its
// verbale number and initials, whether or not a feed has it. Never a fiscal code in it.
import { onChainAssessmentId } from "../../chain/signing.ts";
import type { SqlDatabase } from "../../indexer/store.ts";

export interface RegisterEntry {
  sourceId: string;
  /** The person's initials: from the name where the source has one ("Mario Rossi" → "M. R."), else from the fiscal code. */
  initials: string;
}

/** The person as a commission's system names them (the ASL's and INPS's feeds carry it with each assessment). */
export interface PersonName {
  name: string;
  surname: string;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS commission_register (
    assessment_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    initials TEXT NOT NULL
  )`,
];

const PAGE = 1000;
const FETCH_TIMEOUT_MS = 5_000;

/**
 * "Mario Rossi" → "M. R.": what a commission's list shows instead of a hex id. Without a name, the
 * fiscal code's surname and name parts give their first consonants ("RSSMRA85T10A562S" → "M. R."),
 * name first as with a name.
 */
export function initialsOf(fiscalCode: string, person?: PersonName): string {
  const first = (word: string) => word.trim().charAt(0).toLocaleUpperCase("it-IT");
  if (person && first(person.name) && first(person.surname)) return `${first(person.name)}. ${first(person.surname)}.`;
  const code = fiscalCode.toUpperCase();
  return `${code[3]}. ${code[0]}.`;
}

const personOf = (value: unknown): PersonName | undefined => {
  const p = value as Partial<PersonName> | undefined;
  return p && typeof p.name === "string" && typeof p.surname === "string" ? { name: p.name, surname: p.surname } : undefined;
};

export function createCommissionRegister(options: { feedUrls: readonly string[]; db?: SqlDatabase }) {
  const entries = new Map<string, RegisterEntry>();
  const { db } = options;
  const ready = db ? (async () => {
    for (const statement of SCHEMA) await db.run(statement);
  })() : Promise.resolve();
  const cursors = new Map<string, number>();
  let reading: Promise<void> | undefined;
  const readFeeds = () => Promise.all(options.feedUrls.map((url) => readFeed(url).catch(() => undefined)));
  const readFeed = async (url: string) => {
    for (;;) {
      const cursor = cursors.get(url) ?? 0;
      const answer = await fetch(`${url.replace(/\/$/, "")}/v1/events?after=${cursor}&limit=${PAGE}`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!answer.ok) return;
      const page = (await answer.json()) as { events: Array<Record<string, unknown>>; next: number; hasMore: boolean };
      for (const e of page.events) {
        const record = e.record as Record<string, unknown> | undefined;
        if (e.kind === "assessment" && record && typeof e.sourceId === "string" && typeof e.fiscalCode === "string") {
          // Named on chain by its id bound to the commission (FactRegistry's key), as the list names it.
          const onChain = onChainAssessmentId(Number(record.commissionId), String(record.assessmentId));
          entries.set(onChain.toLowerCase(), { sourceId: e.sourceId, initials: initialsOf(e.fiscalCode, personOf(e.person)) });
        }
      }
      cursors.set(url, page.next);
      if (!page.hasMore) return;
    }
  };
  return {
    /** A submission through this API: remembered at once, and kept (the verbale number and the initials only). */
    async remember(assessmentId: string, sourceId: string, fiscalCode: string, person?: PersonName) {
      const entry = { sourceId, initials: initialsOf(fiscalCode, person) };
      entries.set(assessmentId.toLowerCase(), entry);
      await ready;
      await db?.run(
        "INSERT INTO commission_register (assessment_id, source_id, initials) VALUES (?, ?, ?) ON CONFLICT (assessment_id) DO NOTHING",
        [assessmentId.toLowerCase(), entry.sourceId, entry.initials],
      );
    },
    /** The entries for these assessments, after catching up with the feed (best effort: a feed down leaves gaps). */
    async lookup(assessmentIds: readonly string[]): Promise<Map<string, RegisterEntry>> {
      reading ??= readFeeds().then(() => undefined).finally(() => (reading = undefined));
      await reading;
      // What neither memory nor a feed knows may have been submitted here before a restart.
      const missing = [...new Set(assessmentIds.map((id) => id.toLowerCase()))].filter((id) => !entries.has(id));
      if (db && missing.length > 0) {
        await ready;
        for (let i = 0; i < missing.length; i += 500) {
          const chunk = missing.slice(i, i + 500);
          const rows = await db.all(
            `SELECT assessment_id, source_id, initials FROM commission_register WHERE assessment_id IN (${chunk.map(() => "?").join(", ")})`, chunk,
          );
          for (const row of rows) entries.set(String(row.assessment_id), { sourceId: String(row.source_id), initials: String(row.initials) });
        }
      }
      return new Map(assessmentIds.flatMap((id) => {
        const entry = entries.get(id.toLowerCase());
        return entry ? [[id.toLowerCase(), entry] as const] : [];
      }));
    },
  };
}

export type CommissionRegister = ReturnType<typeof createCommissionRegister>;
