// What a simulator keeps on disk (PACHAIN_HOME/simulators/), so that restarting it changes nothing
// a reader has already seen:
// - the population's "today", shared by the three processes: generated on another day, the same
//   seed would give other birth dates, hence other people under the same record ids;
// - the feed journal: every event as published (signatures, signedAt, live events), reloaded
//   when the header still matches, so cursors and records stay the same across restarts.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, appendFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { formatIsoDate, parseIsoDate } from "../domain/dates.ts";
import type { SourceEvent } from "./events.ts";

/**
 * The population's today for (seed, size): the one recorded by whichever simulator started
 * first, else `today` (recorded now). Exclusive creation makes concurrent starts agree.
 */
export function populationDay(dir: string, seed: number, size: number, today: number): number {
  const file = join(dir, `population-seed${seed}-size${size}.json`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, `${JSON.stringify({ seed, size, today: formatIsoDate(today) })}\n`, { flag: "wx" });
    return today;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const recorded = JSON.parse(readFileSync(file, "utf8")) as { today: unknown };
  return parseIsoDate(recorded.today, `${file}: today`);
}

export interface JournalHeader {
  format: 1;
  source: string;
  seed: number;
  size: number;
  today: number;
  chainId: number;
  factRegistry: string;
  /** keccak256 over the pseudonym key and signer addresses: other keys, other records. */
  keysFingerprint: string;
}

export interface Journal {
  append(event: SourceEvent): void;
}

/** The journal's events when its header matches; undefined when absent or made for something else. */
export function readJournal(file: string, header: JournalHeader): SourceEvent[] | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, "utf8").split("\n");
  let stored: unknown;
  try {
    stored = JSON.parse(lines[0]!);
  } catch {
    return undefined;
  }
  if (JSON.stringify(stored) !== JSON.stringify(header)) return undefined;
  const events: SourceEvent[] = [];
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    try {
      events.push(JSON.parse(line) as SourceEvent);
    } catch {
      break; // a line torn by a crash mid-write: everything before it is intact
    }
  }
  // Cursors are positions: a gap would mean the file was edited, so trust none of it.
  return events.every((e, i) => e.cursor === i + 1) ? events : undefined;
}

/** Rewrites the journal with `events` (atomically), then appends one line per new event. */
export function writeJournal(file: string, header: JournalHeader, events: readonly SourceEvent[]): Journal {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, [header, ...events].map((e) => `${JSON.stringify(e)}\n`).join(""));
  renameSync(tmp, file);
  return { append: (event) => appendFileSync(file, `${JSON.stringify(event)}\n`) };
}
