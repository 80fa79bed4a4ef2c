// The demo population: thousands of people across the eight demo municipalities, built from
// archetypes so that, under the demo waves, every benefit is granted to someone and every reason
// of RULES.md check() arises for some application. Pure data from a seed: no keys, no signing,
// no clock. The three simulator processes each generate it and publish their own slice, so they
// agree as long as they get the same seed, size and today.
import { loadCatalog, type Catalog } from "../domain/catalog.ts";
import { archetypeSequence, create } from "./archetypes.ts";
import { Builder } from "./builder.ts";
import type { Population } from "./person.ts";
import { createRandom, hashSeed } from "./random.ts";

export * from "./person.ts";

export const DEFAULT_POPULATION_SIZE = 3000;

export interface PopulationOptions {
  seed: number;
  size?: number;
  /** YYYYMMDD */
  today: number;
  catalog?: Catalog;
  /**
   * How far back applications go, in days (default 330: the last eleven months). The demo's
   * history (src/demo/history.ts) spreads them over its whole span, so every month has grants.
   */
  applicationWindowDays?: number;
}

/** The demo population for a seed: same seed, size and today, same people, same record ids. */
export function generatePopulation(options: PopulationOptions): Population {
  const { seed, today } = options;
  const size = options.size ?? DEFAULT_POPULATION_SIZE;
  if (!Number.isSafeInteger(seed)) throw new Error("generatePopulation: seed must be an integer");
  if (!Number.isInteger(size) || size < 1) throw new Error("generatePopulation: size must be a positive integer");
  const random = createRandom(hashSeed(seed, "population"));
  const builder = new Builder(random, today, options.catalog ?? loadCatalog(), options.applicationWindowDays);
  const people = archetypeSequence(random, size).map((archetype, index) => create[archetype](builder, index, archetype));
  return { seed, size, today, people };
}
