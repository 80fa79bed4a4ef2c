// Live mode: a few new facts every few seconds so a running demo moves (a death, a move, a
// discharge, an admission, a new assessment, a revised income, a new application). What is
// possible is read from the source's own feed (observe), so it also holds after a restart that
// reloaded the feed from its journal: a stay is discharged once, a person dies once.
import { concat, keccak256, toUtf8Bytes } from "ethers";
import { CATEGORY, FLAG } from "../domain/catalog.ts";
import { formatIstatCode, provinceOf } from "../domain/istat.ts";
import { ageOn, yearOf } from "./calendar.ts";
import {
  assessmentDraft, civilDraft, deathDraft, incomeDraft, stayDraft,
  type Draft, type SourceEvent, type SourceName,
} from "./events.ts";
import { MUNICIPALITIES } from "./identity.ts";
import { aslForProvince, commissionForProvince, SOURCE_PREFIX, type Person, type Population } from "./person.ts";
import type { Random } from "./random.ts";

export interface LiveGenerator {
  /** Every event of the source's feed passes here, in cursor order. */
  observe(event: SourceEvent): void;
  /** The drafts of one tick (one to three new facts). */
  tick(): Draft[];
}

export interface LiveOptions {
  source: SourceName;
  population: Population;
  orgId: (slug: string) => number;
  random: Random;
  /**
   * Distinguishes this run's record ids from any earlier run's: live facts differ between runs,
   * so reusing an id would make the chain take a new fact for an already recorded one.
   */
  runId: string;
  /** YYYYMMDD of "now" for new facts. */
  today: () => number;
}

interface OpenStay {
  fiscalCode: string;
  asl: string;
  admission: number;
  sourceId: string;
}

export function createLiveGenerator(options: LiveOptions): LiveGenerator {
  const { source, population, orgId, random, runId } = options;
  const byCode = new Map(population.people.map((p) => [p.fiscalCode, p]));
  const residence = new Map<string, number>(); // fiscal code → ISTAT code, from civil events
  const dead = new Set<string>();
  const openStays = new Map<string, OpenStay>(); // fiscal code|admission → stay
  const stayKeys = new Set<string>();
  const incomes = new Map<string, { year: number; amountCents: bigint }>(); // latest per person
  let seq = 0;
  const liveId = () => `L${runId}-${String(++seq).padStart(5, "0")}`;
  // The ASL of a stay is in its record id prefix.
  const aslOfSourceId = (sourceId: string) => (sourceId.startsWith(SOURCE_PREFIX["asl-roma-1"]) ? "asl-roma-1" : "ats-milano");
  const lastResidence = (p: Person) => p.residences[p.residences.length - 1]?.municipality;

  // Takes published events and this tick's own drafts alike (same fields), so two facts of one
  // tick never contradict each other (the same stay discharged twice).
  function learn(kind: string, fiscalCode: string, sourceId: string, fields: Record<string, unknown>): void {
    switch (kind) {
      case "civil":
        residence.set(fiscalCode, Number(fields.residence));
        break;
      case "death":
        dead.add(fiscalCode);
        break;
      case "hospitalStay": {
        const admission = Number(fields.admission);
        const key = `${fiscalCode}|${admission}`;
        stayKeys.add(key);
        if (Number(fields.discharge) === 0) openStays.set(key, { fiscalCode, asl: aslOfSourceId(sourceId), admission, sourceId });
        else openStays.delete(key);
        break;
      }
      case "income":
        incomes.set(fiscalCode, { year: Number(fields.year), amountCents: BigInt(fields.amountCents as string | bigint) });
        break;
      default:
        break;
    }
  }

  const pickPerson = (accept: (p: Person) => boolean): Person | undefined => {
    const candidates = population.people.filter(accept);
    return candidates.length > 0 ? random.pick(candidates) : undefined;
  };

  function newAssessment(p: Person, commission: ReturnType<typeof commissionForProvince>, today: number): Draft {
    // A worsening recorded today: 100% with continuous assistance.
    const sourceId = `${SOURCE_PREFIX[commission]}/${yearOf(today)}/${liveId()}`;
    const assessment = {
      sourceId, commission, category: CATEGORY.CIVIL_INVALIDITY, percentage: 100, flags: FLAG.NEEDS_CONTINUOUS_ASSISTANCE,
      effectiveDate: today, reviewDate: 0, reportHash: keccak256(concat([random.bytes32(), toUtf8Bytes(sourceId)])) as `0x${string}`,
    };
    return assessmentDraft(p, assessment, orgId(commission), random);
  }

  const comune = (today: number): Draft | undefined => {
    const action = random.weighted([["death", 5], ["move", 3], ["register", 1.5]] as const);
    if (action === "register") {
      const p = pickPerson((q) => q.residences.length === 0 && !residence.has(q.fiscalCode));
      if (p) {
        const to = random.pick(MUNICIPALITIES).istat;
        return civilDraft(p, `ANPR/${formatIstatCode(to)}/APR/${liveId()}`, to);
      }
    }
    const alive = (q: Person) => residence.has(q.fiscalCode) && !dead.has(q.fiscalCode);
    if (action === "move") {
      const p = pickPerson(alive);
      if (p) {
        const from = residence.get(p.fiscalCode)!;
        const to = random.pick(MUNICIPALITIES.filter((m) => m.istat !== from)).istat;
        return civilDraft(p, `ANPR/${formatIstatCode(to)}/APR/${liveId()}`, to);
      }
    }
    // A death, also when nobody was left to register or to move.
    const p = pickPerson((q) => alive(q) && ageOn(q.birthDate, today) >= 70);
    if (!p) return undefined;
    const at = residence.get(p.fiscalCode)!;
    return deathDraft(p, `ANPR/${formatIstatCode(at)}/DEC/${liveId()}`, today, at);
  };

  const asl = (today: number): Draft | undefined => {
    const action = random.weighted([["discharge", openStays.size > 0 ? 5 : 0], ["admission", 3], ["assessment", 2]] as const);
    if (action === "discharge") {
      const stay = random.pick([...openStays.values()]);
      return stayDraft(byCode.get(stay.fiscalCode)!, `${stay.sourceId}/DIM/${liveId()}`, stay.asl, stay.admission, today);
    }
    const inAslArea = (q: Person) => {
      const r = lastResidence(q);
      return r !== undefined && aslForProvince(provinceOf(r)) !== undefined;
    };
    if (action === "admission") {
      const p = pickPerson((q) => inAslArea(q) && ageOn(q.birthDate, today) >= 60 && !stayKeys.has(`${q.fiscalCode}|${today}`));
      if (!p) return undefined;
      const slug = aslForProvince(provinceOf(lastResidence(p)!))!;
      return stayDraft(p, `${SOURCE_PREFIX[slug]}/${yearOf(today)}/${liveId()}`, slug, today, 0);
    }
    const p = pickPerson(inAslArea);
    return p && newAssessment(p, commissionForProvince(provinceOf(lastResidence(p)!)), today);
  };

  const inps = (today: number): Draft[] => {
    const action = random.weighted([["assessment", 4], ["income", 3], ["application", 3]] as const);
    if (action === "income") {
      const p = pickPerson((q) => incomes.has(q.fiscalCode));
      if (p) {
        // A corrected declaration for the current year replaces the attested one on chain.
        const year = yearOf(today);
        const base = incomes.get(p.fiscalCode)!.amountCents;
        const amount = (base * BigInt(random.int(90, 110))) / 100n;
        return [incomeDraft(p, `INPS/RED/${year}/${liveId()}`, year, amount)];
      }
    }
    if (action === "application") {
      const p = pickPerson((q) => q.applications.length > 0);
      if (p) return [applicationDraft(p, random.pick(p.applications).benefit, today)];
    }
    const p = pickPerson((q) => {
      const r = lastResidence(q);
      return r === undefined || commissionForProvince(provinceOf(r)) === "inps-cml-roma";
    });
    if (!p) return [];
    return [newAssessment(p, "inps-cml-roma", today), applicationDraft(p, "INV_INDENNITA_ACCOMPAGNAMENTO", today)];
  };

  const applicationDraft = (p: Person, benefit: string, date: number): Draft => {
    const sourceId = `INPS/DOM/${yearOf(date)}/${liveId()}`;
    return { kind: "application", sourceId, applicationId: keccak256(toUtf8Bytes(sourceId)), fiscalCode: p.fiscalCode, benefit, date };
  };

  return {
    observe: (event) => learn(event.kind, event.fiscalCode, event.sourceId, event.kind === "application" ? {} : event.record),
    tick() {
      const today = options.today();
      const drafts: Draft[] = [];
      for (let i = random.int(1, 3); i > 0; i--) {
        const made = source === "inps" ? inps(today) : [source === "comune" ? comune(today) : asl(today)];
        for (const draft of made) {
          if (draft === undefined) continue;
          if (draft.kind !== "application") learn(draft.kind, draft.fiscalCode, draft.sourceId, draft.fields);
          drafts.push(draft);
        }
      }
      return drafts;
    },
  };
}
