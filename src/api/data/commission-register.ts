// A commission's own register: the verbale number (sourceId) and the person behind each of its
// assessments, which never reach the chain (the chain holds the hash of the verbale number and a
// pseudonym). Read from the commissions' own systems, the feeds the oracle reads (the health
// authorities' for their commissions, INPS's for its own), and from the submissions made through
// this API; the page shows the person's initials only. Kept in memory and rebuilt from the feeds
// after a restart (a submission made through this API is then known again only if a feed has it).
import { onChainAssessmentId } from "../../chain/signing.ts";

export interface RegisterEntry {
  sourceId: string;
  /** Initials from the fiscal code: first letter of the surname part, then of the name part ("R. M."). */
  initials: string;
}

const PAGE = 1000;
const FETCH_TIMEOUT_MS = 5_000;

/** "RSSMRA85T10A562S" → "R. M.": what a commission's list shows instead of a hex id. */
export function initialsOf(fiscalCode: string): string {
  const code = fiscalCode.toUpperCase();
  return `${code[0]}. ${code[3]}.`;
}

export function createCommissionRegister(options: { feedUrls: readonly string[] }) {
  const entries = new Map<string, RegisterEntry>();
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
          entries.set(onChain.toLowerCase(), { sourceId: e.sourceId, initials: initialsOf(e.fiscalCode) });
        }
      }
      cursors.set(url, page.next);
      if (!page.hasMore) return;
    }
  };
  return {
    /** A submission through this API: remembered at once. */
    remember(assessmentId: string, sourceId: string, fiscalCode: string) {
      entries.set(assessmentId.toLowerCase(), { sourceId, initials: initialsOf(fiscalCode) });
    },
    /** The entries for these assessments, after catching up with the feed (best effort: a feed down leaves gaps). */
    async lookup(assessmentIds: readonly string[]): Promise<Map<string, RegisterEntry>> {
      reading ??= readFeeds().then(() => undefined).finally(() => (reading = undefined));
      await reading;
      return new Map(assessmentIds.flatMap((id) => {
        const entry = entries.get(id.toLowerCase());
        return entry ? [[id.toLowerCase(), entry] as const] : [];
      }));
    },
  };
}

export type CommissionRegister = ReturnType<typeof createCommissionRegister>;
