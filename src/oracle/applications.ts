// INPS applications and the entitlements they granted, in the oracle's store: received from a
// feed (or the gateway), queued for decision, decided on chain.
import type { DatabaseSync } from "node:sqlite";
import type { Application, Row } from "./store.ts";

export function toApplication(row: Row): Application {
  return {
    applicationId: String(row.application_id),
    subject: String(row.subject),
    benefit: String(row.benefit),
    date: Number(row.date),
    status: row.status as Application["status"],
    eligible: row.eligible === null ? null : Number(row.eligible) === 1,
    reason: (row.reason as string | null) ?? null,
  };
}

export interface Applications {
  /** Adds applications to decide (status "received"), outside a feed page (claims, the gateway); an id already known is left as it is. Returns how many were new. */
  addApplications(applications: readonly Omit<Application, "status" | "eligible" | "reason">[]): number;
  application(applicationId: string): Application | undefined;
  applications(status?: Application["status"]): Application[];
  /** A person's applications (INPS feed and one-click claims), oldest first. */
  applicationsOf(subject: string): Application[];
  setApplicationStatus(applicationId: string, status: Application["status"]): void;
  recordDecision(applicationId: string, eligible: boolean, reason: string): void;
  grantedEntitlements(benefits: readonly string[]): Array<{ subject: string; benefit: string }>;
}

/** The applications over `db`; `insertApplications` is for the store's feed-page transaction. */
export function createApplications(db: DatabaseSync, transaction: <T>(work: () => T) => T): Applications & {
  insertApplications(applications: readonly Omit<Application, "status" | "eligible" | "reason">[]): number;
} {
  const insertApplications = (applications: readonly Omit<Application, "status" | "eligible" | "reason">[]) => {
    const insertApplication = db.prepare(
      "INSERT OR IGNORE INTO applications (application_id, subject, benefit, date, status) VALUES (?, ?, ?, ?, 'received')",
    );
    let added = 0;
    for (const a of applications) added += Number(insertApplication.run(a.applicationId, a.subject, a.benefit, a.date).changes);
    return added;
  };
  return {
    insertApplications,
    addApplications(applications) {
      return transaction(() => insertApplications(applications));
    },
    application(applicationId) {
      const row = db.prepare("SELECT * FROM applications WHERE application_id = ?").get(applicationId) as Row | undefined;
      return row ? toApplication(row) : undefined;
    },
    applications(status) {
      const rows = status
        ? db.prepare("SELECT * FROM applications WHERE status = ? ORDER BY rowid").all(status)
        : db.prepare("SELECT * FROM applications ORDER BY rowid").all();
      return (rows as Row[]).map(toApplication);
    },
    applicationsOf(subject) {
      return (db.prepare("SELECT * FROM applications WHERE subject = ? ORDER BY rowid").all(subject) as Row[]).map(toApplication);
    },
    setApplicationStatus(applicationId, status) {
      // Never moves a decided application back.
      db.prepare("UPDATE applications SET status = ? WHERE application_id = ? AND status != 'decided'").run(status, applicationId);
    },
    recordDecision(applicationId, eligible, reason) {
      transaction(() => {
        db.prepare("UPDATE applications SET status = 'decided', eligible = ?, reason = ? WHERE application_id = ?")
          .run(eligible ? 1 : 0, reason, applicationId);
        if (eligible) {
          const application = db.prepare("SELECT subject, benefit FROM applications WHERE application_id = ?").get(applicationId) as Row;
          db.prepare("INSERT OR IGNORE INTO entitlements (subject, benefit, application_id) VALUES (?, ?, ?)")
            .run(String(application.subject), String(application.benefit), applicationId);
        }
      });
    },
    grantedEntitlements(benefits) {
      if (benefits.length === 0) return [];
      const placeholders = benefits.map(() => "?").join(",");
      // Each benefit's people in the order of their first granted entitlement (of any benefit). The
      // ledger's paid bitmaps follow the FactRegistry's numbers (assigned at a person's first
      // record); people are granted in about the order their records arrived, so a payroll batch
      // still fills one paid-bitmap word after another (docs/performance.md). Only gas depends on it.
      return (db.prepare(
        `SELECT e.subject, e.benefit FROM entitlements e
           JOIN (SELECT subject, MIN(rowid) AS first FROM entitlements GROUP BY subject) f ON f.subject = e.subject
         WHERE e.benefit IN (${placeholders}) ORDER BY e.benefit, f.first`,
      ).all(...benefits) as Row[])
        .map((row) => ({ subject: String(row.subject), benefit: String(row.benefit) }));
    },
  };
}
