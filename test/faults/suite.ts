// The long fault and load suite of issue 6 (run by test/faults/run.ts, not by npm test; this
// module only exports functions, so mocha loading it runs nothing).
//
// 1. A reference run without faults: node, deployment, demo consortium and simulated feeds
//    (test/oracle/harness.ts), the oracle in-process until every fact and decision is on chain, a
//    month's payroll, then the read API with its own indexer (SQLite). Its answers are recorded.
// 2. The same population with faults: the oracle and the indexer (into PostgreSQL) run as child
//    processes and are SIGKILLed at random points, the chain node is cut off behind a TCP proxy and
//    restored, PostgreSQL is crashed and restarted, and a Besu-like JSON-RPC proxy (its pool:
//    evictions, nonce gaps, restarts losing the pool, "replacement transaction underpriced",
//    "nonce too low" after a competing send, the per-sender limit, blocks delayed 10 s) — while the
//    feeds are read, decided and paid.
//    After recovery the chain, the index and the API's answers must equal the reference's.
// 3. Load: autocannon from a second process against the recovered API, sampling memory; the
//    answers afterwards are still the reference's; then a rate-limited API holds its limit.
// 4. Writes through the API under SIGKILLs: the oracle (gateway on), the read API
//    (scripts/api.ts), the IO simulator and the notifier as processes (test/faults/processes.ts);
//    commissions submit assessments and then those people claim a benefit, retrying through an
//    API SIGKILLed mid-request, while the notifier is SIGKILLed mid-send. Every accepted
//    submission must be on chain exactly once, each person's claim one application decided once,
//    and IO must hold one message per delivered notice. No process's log may name anyone.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { loadConfig, type Config } from "../../src/config.ts";
import { loadCatalog } from "../../src/domain/catalog.ts";
import { formatPeriod } from "../../src/domain/dates.ts";
import { createLogger } from "../../src/logger.ts";
import { startApi, type RunningApi } from "../../src/api/server.ts";
import { startPayrollRun } from "../../src/oracle/payroll.ts";
import { openOracleStore, type OracleStore } from "../../src/oracle/store.ts";
import { createOracleRuntime } from "../../src/oracle/wiring.ts";
import { createPseudonymVault } from "../../src/oracle/vault.ts";
import { resolveSecret } from "../../src/secrets.ts";
import { stopProcess } from "../../src/node/processes.ts";
import { readChainState } from "../oracle/chain-state.ts";
import { readFeed, ROOT, startCuttableProxy, startProcess, startSystem, type System } from "../oracle/harness.ts";
import { startTestPostgres } from "../support/postgres.ts";
import { startBesuProxy, type BesuProxy } from "../support/besu-proxy.ts";
import { DEV_KEYS } from "../../src/config.ts";
import { currentPeriod } from "../support/clock.ts";
import { apiClients, freshPeople, populationCodes, startWriteProcesses, type WriteProcesses } from "./processes.ts";

export interface FaultOptions {
  size: number;
  seed: number;
  /** Faults to inject in the faulty run. */
  faults: number;
  /** Seconds of sustained load. */
  loadSeconds: number;
  log: (line: string) => void;
}

export interface FaultReport {
  runs: number;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
  recordsChecked: number;
  mismatches: number;
  details: string[];
  load: { requests: number; non2xx: number; errors: number; rssStartMb: number; rssMaxMb: number; rssEndMb: number; latencyP99Ms: number };
  rateLimit: { ok: number; limited: number; allowedMax: number };
  writes: { assessments: number; claims: number; notices: number; unansweredAttempts: number };
}

/** What a run is compared on: keyed, normalised values (no block, tx, time, signer or pseudonym). */
type Answers = Map<string, string>;

const STAFF = "RSSMRA85T10A562S";
const PURPOSE = "purpose=fault%20suite%20comparison";
const SILENT = createLogger("silent");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** Fields that differ between two correct runs of the same population: where and when, not what. */
const VOLATILE = new Set([
  "block", "blockNumber", "blockHash", "tx", "txHash", "transactionHash", "logIndex", "time", "timestamp", "at",
  "signer", "signers", "signedAt", "place", "recordedAt", "reportHash", "requestId", "subject",
]);

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !VOLATILE.has(k)).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

/** The chain's content keyed by person (fiscal code), so two runs with their own pseudonym keys compare. */
async function chainAnswers(system: System, reveal: (subject: string) => string | undefined): Promise<Answers> {
  const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
  const answers: Answers = new Map();
  for (const [key, count] of state.facts) answers.set(`chain fact ${key}`, String(count));
  for (const [id, outcome] of state.decisions) answers.set(`chain decision ${id}`, outcome);
  for (const [key, cents] of state.payments) {
    const [subject, benefit, period] = key.split(":");
    answers.set(`chain payment ${reveal(subject) ?? `unknown ${subject}`}:${benefit}:${period}`, String(cents));
  }
  return answers;
}

async function apiAnswers(api: RunningApi, home: string, people: readonly string[], period: number): Promise<Answers> {
  const token = async (role: string, organisation?: number) => {
    const r = await fetch(`${api.url}/v1/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role, fiscalCode: STAFF, organisation }) });
    return ((await r.json()) as { token: string }).token;
  };
  const auditor = await token("auditor", 1);
  const get = async (path: string) => {
    const r = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${auditor}` } });
    return `${r.status} ${JSON.stringify(normalise(await r.json()))}`;
  };
  const answers: Answers = new Map();
  const p = formatPeriod(period);
  answers.set(`api /v1/payroll/totals?period=${p}`, await get(`/v1/payroll/totals?period=${p}`));
  const payments = (await (await fetch(`${api.url}/v1/payments?period=${p}&limit=100000`, { headers: { authorization: `Bearer ${auditor}` } })).json()) as { payments: Array<Record<string, unknown>> };
  // Each payment row keyed by its person, benefit and period: the order of rows follows blocks.
  for (const row of payments.payments ?? []) answers.set(`api payment ${JSON.stringify(normalise(row))}`, "present");
  answers.set("api payment rows", String(payments.payments?.length));
  answers.set("api /v1/waves", await get("/v1/waves"));
  for (const person of people) {
    answers.set(`api entitlements ${person}`, await get(`/v1/subjects/${person}/entitlements?${PURPOSE}&date=${p}-01`));
    // A timeline follows block order, which differs between two correct runs (relays interleave
    // differently under faults): compared as the set of its items.
    const history = await fetch(`${api.url}/v1/subjects/${person}/history?${PURPOSE}`, { headers: { authorization: `Bearer ${auditor}` } });
    const body = (await history.json()) as { items?: unknown[] };
    const items = (body.items ?? []).map((item) => JSON.stringify(normalise(item))).sort();
    answers.set(`api history ${person}`, `${history.status} ${JSON.stringify({ ...(normalise(body) as object), items })}`);
  }
  void home;
  return answers;
}

async function waitReady(api: RunningApi, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${api.url}/ready`)).status !== 200) {
    if (Date.now() > deadline) throw new Error("the API's index did not catch up");
    await sleep(300);
  }
}

function settled(store: OracleStore, applications: number): boolean {
  return store.pendingCount() === 0 && store.applications("decided").length === applications;
}

async function until(what: string, probe: () => boolean, timeoutMs: number, during?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (during) await during();
    else await sleep(500);
  }
}

function compare(reference: Answers, actual: Answers, details: string[]): { checked: number; mismatches: number } {
  let mismatches = 0;
  for (const key of new Set([...reference.keys(), ...actual.keys()])) {
    if (reference.get(key) !== actual.get(key)) {
      mismatches += 1;
      if (details.length < 20) details.push(`${key}: expected ${reference.get(key)?.slice(0, 300)} got ${actual.get(key)?.slice(0, 300)}`);
    }
  }
  return { checked: reference.size, mismatches };
}

/** People with an application, sorted: the persons whose answers are compared. */
async function peopleOf(system: System, count: number): Promise<string[]> {
  const applications = (await readFeed(system.sources.inps)).filter((e) => e.kind === "application");
  return [...new Set(applications.map((a) => String(a.fiscalCode).toUpperCase()))].sort().slice(0, count);
}

async function referenceRun(options: FaultOptions, period: number): Promise<{ answers: Answers; people: string[]; applications: number }> {
  options.log("reference run (no faults): oracle, payroll, index, API");
  const system = await startSystem({ size: options.size, seed: options.seed });
  try {
    const rt = createOracleRuntime({ config: system.config, deployment: system.deployment, logger: SILENT });
    let api: RunningApi | undefined;
    try {
      rt.oracle.start();
      await rt.oracle.idle(900_000);
      startPayrollRun(rt.store, rt.catalog, period);
      await rt.oracle.idle(900_000);
      const people = await peopleOf(system, 15);
      const applications = rt.store.applications().length;
      api = await startApi({ config: apiConfig(system.env, {}), deployment: system.deployment, logger: SILENT, port: 0 });
      await waitReady(api);
      const answers = new Map([...(await chainAnswers(system, (s) => rt.vault.reveal(s))), ...(await apiAnswers(api, system.home, people, period))]);
      return { answers, people, applications };
    } finally {
      await api?.close();
      await rt.close();
    }
  } finally {
    await system.stop();
  }
}

function apiConfig(env: Record<string, string>, extra: Record<string, string>): Config {
  return loadConfig({ ...env, PACHAIN_API_DEMO: "true", PACHAIN_API_RATE_LIMIT_PER_SECOND: "1000000", PACHAIN_API_RATE_LIMIT_BURST: "1000000", PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND: "1000000", PACHAIN_API_PUBLIC_RATE_LIMIT_BURST: "1000000", ...extra });
}

export async function runFaultSuite(options: FaultOptions): Promise<FaultReport> {
  const period = currentPeriod();
  const details: string[] = [];
  const reference = await referenceRun(options, period);
  options.log(`reference: ${reference.answers.size} answers, ${reference.applications} applications`);

  options.log("faulty run: oracle and indexer as processes, SIGKILLs, node cut-offs, PostgreSQL restarts");
  let proxy: Awaited<ReturnType<typeof startCuttableProxy>> | undefined;
  let besu: BesuProxy | undefined;
  // Clients → TCP proxy (cut = node unreachable) → Besu-like JSON-RPC proxy (pool faults) → node.
  const system = await startSystem({
    size: options.size,
    seed: options.seed,
    rpcUrl: async (chainUrl) => {
      besu = await startBesuProxy(chainUrl, { keys: DEV_KEYS.slice(1, 4) });
      return (proxy = await startCuttableProxy(besu.url)).url;
    },
  });
  const pg = await startTestPostgres();
  const children = new Set<ChildProcess>();
  const faultsByKind: Record<string, number> = {};
  let faultsInjected = 0;
  let api: RunningApi | undefined;
  try {
    const databaseUrl = await pg.createDatabase();
    const env = { ...system.env, DATABASE_URL: databaseUrl, PACHAIN_INDEXER_POLL_INTERVAL_MS: "200" };
    const spawnChild = async (args: string[]) => {
      const child = await startProcess(args, env, null);
      children.add(child);
      child.once("exit", () => children.delete(child));
      return child;
    };
    let oracle = await spawnChild(["scripts/oracle.ts", "run"]);
    let indexer = await spawnChild(["scripts/indexer.ts", "run"]);
    const kill = async (child: ChildProcess) => {
      child.kill("SIGKILL");
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
    };
    const faults: Array<[string, () => Promise<void>]> = [
      ["oracle SIGKILL", async () => {
        await kill(oracle);
        oracle = await spawnChild(["scripts/oracle.ts", "run"]);
      }],
      ["indexer SIGKILL", async () => {
        await kill(indexer);
        indexer = await spawnChild(["scripts/indexer.ts", "run"]);
      }],
      ["node unreachable", async () => {
        proxy!.cut();
        await sleep(random(1000, 4000));
        proxy!.restore();
      }],
      ["PostgreSQL restart", async () => {
        if (!pg.crash || !pg.start) return;
        pg.crash();
        await sleep(random(500, 2000));
        pg.start();
      }],
      // What a Besu network does to a relayer with many transactions in flight from one account
      // (test/support/besu-proxy.ts): each armed for the next transaction.
      ["tx dropped from the pool", async () => besu!.inject("drop")],
      ["nonce gap", async () => besu!.inject("gap")],
      ["node restart, pool lost", async () => besu!.inject("restart", { ms: random(1000, 3000) })],
      ["replacement transaction underpriced", async () => besu!.inject("underpriced")],
      ["nonce too low after a competing send", async () => besu!.inject("nonce-too-low")],
      ["pool full (per-sender limit)", async () => besu!.inject("pool-full", { count: random(1, 4) })],
      ["blocks delayed 10 s", async () => besu!.inject("block-delay", { ms: 10_000 })],
      // A transaction mined while the node the relayer asks next has not seen it: sent again.
      ["tx mined, unseen by a lagging node", async () => besu!.inject("unseen", { ms: random(3000, 15_000) })],
    ];
    const injectOne = async (): Promise<void> => {
      if (faultsInjected >= options.faults) {
        await sleep(500);
        return;
      }
      await sleep(random(800, 3000));
      const [kind, inject] = faults[random(0, faults.length - 1)];
      await inject();
      faultsInjected += 1;
      faultsByKind[kind] = (faultsByKind[kind] ?? 0) + 1;
      options.log(`  fault ${faultsInjected}/${options.faults}: ${kind}`);
    };

    const store = openOracleStore(join(system.home, "oracle", "oracle.sqlite"));
    try {
      const applications = (await readFeed(system.sources.inps)).filter((e) => e.kind === "application").length;
      // Facts and decisions under faults; then the payroll, under faults too.
      await until("facts and decisions to settle", () => settled(store, applications), 1_200_000, injectOne);
      startPayrollRun(store, loadCatalog(), period);
      await until("the payroll to settle", () => store.pendingCount() === 0, 1_200_000, injectOne);
      // Whatever faults are left, then a last check that everything is still settled.
      while (faultsInjected < options.faults) await injectOne();
      await until("the outbox to settle after the last faults", () => settled(store, applications), 600_000);
    } finally {
      store.close();
    }
    await stopProcess(oracle);
    // The API then runs its own indexer on the same PostgreSQL index: it resumes from the
    // checkpoint the killed and restarted indexer processes left.
    await sleep(2000);
    await stopProcess(indexer);

    const links = openOracleStore(join(system.home, "oracle", "oracle.sqlite"));
    const vault = createPseudonymVault({
      store: links,
      pseudonymKey: resolveSecret(system.home, "pseudonym-key", undefined),
      vaultKey: resolveSecret(system.home, "vault-key", undefined),
    });
    api = await startApi({ config: apiConfig(env, { PACHAIN_RPC_URL: system.chain.url }), deployment: system.deployment, logger: SILENT, port: 0 });
    await waitReady(api);
    const actual = new Map([...(await chainAnswers(system, (s) => vault.reveal(s))), ...(await apiAnswers(api, system.home, reference.people, period))]);
    links.close();
    let { checked, mismatches } = compare(reference.answers, actual, details);
    options.log(`faulty run: ${checked} answers checked, ${mismatches} mismatches`);
    options.log(`Besu-like pool effects: ${[...besu!.recording.effects].map(([k, n]) => `${k} ×${n}`).join(", ")}`);

    // ---------------------------------------------------------------- load
    options.log(`load: autocannon from a second process for ${options.loadSeconds} s`);
    const load = await runLoad(api, options.loadSeconds);
    const afterLoad = await apiAnswers(api, system.home, reference.people, period);
    const again = compare(new Map([...reference.answers].filter(([k]) => k.startsWith("api "))), afterLoad, details);
    checked += again.checked;
    mismatches += again.mismatches;
    if (load.errors > 0 || load.non2xx > 0) {
      mismatches += 1;
      details.push(`load: ${load.non2xx} non-2xx answers and ${load.errors} errors out of ${load.requests}`);
    }
    if (load.rssMaxMb - load.rssStartMb > 300) {
      mismatches += 1;
      details.push(`load: memory grew from ${load.rssStartMb} MB to ${load.rssMaxMb} MB`);
    }

    const rateLimit = await runRateLimit(system, env);
    if (rateLimit.ok > rateLimit.allowedMax || rateLimit.limited === 0) {
      mismatches += 1;
      details.push(`rate limit: ${rateLimit.ok} answered (at most ${rateLimit.allowedMax} allowed), ${rateLimit.limited} refused with 429`);
    }
    // ---------------------------------------------------------------- writes under SIGKILLs
    await api.close();
    api = undefined;
    const writes = await runWriteFaults(system, env, options, (kind) => {
      faultsInjected += 1;
      faultsByKind[kind] = (faultsByKind[kind] ?? 0) + 1;
    }, details);
    checked += writes.checked;
    mismatches += writes.mismatches;
    return { runs: 2, faultsInjected, faultsByKind, recordsChecked: checked, mismatches, details, load, rateLimit, writes: writes.counts };
  } finally {
    await api?.close();
    for (const child of children) child.kill("SIGKILL");
    proxy?.close();
    besu?.close();
    await system.stop();
    await pg.stop();
  }
}

/** autocannon's JSON result of a run against `url` with these headers. */
function autocannon(url: string, seconds: number, connections: number, headers: Record<string, string>): Promise<{ requests: { total: number }; non2xx: number; errors: number; latency: { p99: number }; "2xx": number; statusCodeStats?: Record<string, { count: number }> }> {
  const args = [join(ROOT, "node_modules", "autocannon", "autocannon.js"), "-j", "-c", String(connections), "-d", String(seconds)];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.once("exit", (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`autocannon exited ${code} without a JSON result`));
      }
    });
  });
}

async function runLoad(api: RunningApi, seconds: number): Promise<FaultReport["load"]> {
  const r = await fetch(`${api.url}/v1/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role: "auditor", fiscalCode: STAFF, organisation: 1 }) });
  const { token } = (await r.json()) as { token: string };
  const mb = () => Math.round(process.memoryUsage().rss / 1e6);
  const rssStartMb = mb();
  let rssMaxMb = rssStartMb;
  const sampler = setInterval(() => (rssMaxMb = Math.max(rssMaxMb, mb())), 200);
  try {
    const result = await autocannon(`${api.url}/v1/payroll/totals?period=${formatPeriod(currentPeriod())}`, seconds, 20, { authorization: `Bearer ${token}` });
    return { requests: result.requests.total, non2xx: result.non2xx, errors: result.errors, rssStartMb, rssMaxMb, rssEndMb: mb(), latencyP99Ms: result.latency.p99 };
  } finally {
    clearInterval(sampler);
  }
}

/** A second API with a small limit, hammered for a few seconds: no more answers than the bucket allows. */
async function runRateLimit(system: System, env: Record<string, string>): Promise<FaultReport["rateLimit"]> {
  const perSecond = 20;
  const burst = 40;
  const seconds = 4;
  const { DATABASE_URL: _postgres, ...withoutPostgres } = env;
  const config = loadConfig({
    ...withoutPostgres, PACHAIN_RPC_URL: system.chain.url, PACHAIN_API_DEMO: "true",
    PACHAIN_API_RATE_LIMIT_PER_SECOND: String(perSecond), PACHAIN_API_RATE_LIMIT_BURST: String(burst),
    PACHAIN_INDEXER_SQLITE_FILE: join(system.home, "rate-limit-index.sqlite"),
  });
  const limited = await startApi({ config, deployment: system.deployment, logger: SILENT, port: 0 });
  try {
    const result = await autocannon(`${limited.url}/v1/waves`, seconds, 10, { authorization: "Bearer none" });
    const codes = result.statusCodeStats ?? {};
    // Without a valid token the answers are 401 — still counted by the limiter, which runs first.
    const ok = Object.entries(codes).filter(([code]) => code !== "429").reduce((n, [, s]) => n + s.count, 0);
    const limitedCount = codes["429"]?.count ?? 0;
    return { ok, limited: limitedCount, allowedMax: burst + Math.ceil(perSecond * (seconds + 1)) };
  } finally {
    await limited.close();
  }
}


const API_KILL = "read API SIGKILL mid-write";
const NOTIFIER_KILL = "notifier SIGKILL mid-send";
const ACCOMPANIMENT = "INV_INDENNITA_ACCOMPAGNAMENTO";
/** SIGKILLs of the API per write phase (assessments, claims), and of the notifier in all. */
const API_KILLS = 4;
const NOTIFIER_KILLS = 4;

/**
 * Commissions' assessments, then those people's claims, through the read API as its own process,
 * SIGKILLed while they are in flight; the notifier SIGKILLed while it sends. See the header, part 4.
 */
async function runWriteFaults(
  system: System,
  env: Record<string, string>,
  options: FaultOptions,
  injected: (kind: string) => void,
  details: string[],
): Promise<{ checked: number; mismatches: number; counts: FaultReport["writes"] }> {
  options.log("writes: oracle (gateway), read API, IO and notifier as processes; API and notifier SIGKILLs");
  const processes: WriteProcesses = await startWriteProcesses(system, { env, logLevel: "info" });
  let checked = 0;
  let mismatches = 0;
  let stopKilling = false;
  let notifierKilled: Promise<unknown> = Promise.resolve();
  const fail = (detail: string) => {
    mismatches += 1;
    if (details.length < 20) details.push(detail);
  };
  try {
    const people = (await freshPeople(system)).slice(0, Math.max(8, Math.min(24, Math.floor(options.size / 6))));
    const clients = apiClients(system, processes.apiUrl);
    let unanswered = 0;

    // The notifier is killed while it has notices to send (pending or being sent), through both
    // phases and the sending that follows, then started again.
    let writing = true;
    const notifierKiller = (async () => {
      let kills = 0;
      while (kills < NOTIFIER_KILLS && !stopKilling) {
        await sleep(random(200, 1500));
        const { counts } = await processes.notices();
        if (counts.pending + counts.sending === 0) {
          // Nothing left to send once the writes are over: fewer kills than planned.
          if (!writing) break;
          continue;
        }
        await processes.kill("notifier");
        kills += 1;
        injected(NOTIFIER_KILL);
        options.log(`  fault: ${NOTIFIER_KILL} (${counts.sending} sending, ${counts.pending} pending)`);
        await sleep(random(100, 1000));
        await processes.start("notifier");
      }
    })();
    // Awaited after the writes; a failure before then must not go unhandled.
    notifierKilled = notifierKiller.then(() => undefined, (error: unknown) => error);

    /** Runs `work` for each person, 4 at a time, while the API is SIGKILLed with requests in flight. */
    const underKills = async <T>(what: string, work: (person: string, i: number) => Promise<T>, apiKills: number): Promise<T[]> => {
      let done = false;
      const killer = (async () => {
        for (let kills = 0; kills < apiKills && !done;) {
          await sleep(random(20, 300));
          if (done || clients.inFlight() === 0) continue;
          const inFlight = clients.inFlight();
          await processes.kill("api");
          kills += 1;
          injected(API_KILL);
          options.log(`  fault: ${API_KILL} (${what}, ${inFlight} requests in flight)`);
          await sleep(random(100, 1000));
          await processes.start("api");
        }
      })();
      const results: T[] = new Array(people.length);
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < people.length; i = next++) results[i] = await work(people[i], i);
      };
      try {
        await Promise.all([lane(), lane(), lane(), lane()]);
      } finally {
        done = true;
        await killer;
      }
      return results;
    };

    // 1. Assessments, each submitted until the API answers it (202 the first time, 200 a retry).
    const assessments = await underKills("assessments", async (person, i) => {
      const r = await clients.submitAssessment(`FAULTS-API-${options.seed}-${i}`, person);
      unanswered += r.retries;
      if (!r.id) fail(`writes: assessment of person ${i} not accepted: ${r.status} ${r.detail}`);
      return r.id;
    }, API_KILLS);
    const accepted = assessments.filter((id): id is string => id !== undefined);
    await waitUntil("every accepted assessment on chain", async () => {
      const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
      return accepted.every((id) => state.facts.has(`assessment:${id}`));
    }, 300_000);

    // 2. The same people claim the attendance allowance: granted, so a retry is the same claim.
    const claims = await underKills("claims", async (person, i) => {
      const r = await clients.fileClaim(person, ACCOMPANIMENT);
      unanswered += r.retries;
      if (!r.id) fail(`writes: claim of person ${i} not accepted: ${r.status} ${r.detail}`);
      return r.id;
    }, API_KILLS);
    const claimed = claims.filter((id): id is string => id !== undefined);
    await waitUntil("every accepted claim decided on chain", async () => {
      const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
      return claimed.every((id) => state.decisions.has(id));
    }, 300_000);

    // Exactly once: each assessment recorded once, each person one application of the benefit,
    // decided once (a duplicate decision of an id would be refused on chain, but is counted anyway).
    const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
    for (const id of accepted) {
      checked += 1;
      if (state.facts.get(`assessment:${id}`) !== 1) fail(`writes: assessment ${id} recorded ${state.facts.get(`assessment:${id}`) ?? 0} times`);
    }
    const store = openOracleStore(join(system.home, "oracle", "oracle.sqlite"));
    try {
      const links = createPseudonymVault({ store, pseudonymKey: resolveSecret(system.home, "pseudonym-key", undefined), vaultKey: resolveSecret(system.home, "vault-key", undefined) });
      for (const [i, person] of people.entries()) {
        checked += 1;
        const subject = links.pseudonymOf(person).toLowerCase();
        const mine = store.applications().filter((a) => a.subject.toLowerCase() === subject && a.benefit === ACCOMPANIMENT);
        if (mine.length !== 1) fail(`writes: person ${i} has ${mine.length} applications of ${ACCOMPANIMENT} after one claim`);
      }
    } finally {
      store.close();
    }
    for (const id of claimed) {
      const decided = await system.contracts.ledger.queryFilter(system.contracts.ledger.filters.ApplicationDecided(id), system.deployment.deploymentBlock);
      if (decided.length !== 1) fail(`writes: claim ${id} decided ${decided.length} times`);
    }

    // 3. The notifier: whatever it still has to send, sent; one IO message per delivered notice.
    writing = false;
    const killerError = await notifierKilled;
    if (killerError) throw killerError;
    let quiet = 0;
    let last = { ioMessages: -1, counts: {} as Record<string, number> };
    await waitUntil("the notifier's notices settled", async () => {
      const now = await processes.notices();
      const settledNow = now.counts.pending === 0 && now.counts.sending === 0 && now.counts.delivered > 0;
      quiet = settledNow && now.counts.delivered === last.counts.delivered ? quiet + 1 : 0;
      last = now;
      return quiet >= 4;
    }, 300_000, 1000);
    checked += last.counts.delivered;
    if (last.ioMessages !== last.counts.delivered) fail(`writes: IO holds ${last.ioMessages} messages for ${last.counts.delivered} delivered notices`);
    if (last.counts.failed > 0) fail(`writes: ${last.counts.failed} notices failed`);

    // No process's log names anyone of the population.
    const codes = await populationCodes(system);
    for (const name of ["oracle", "api", "notifier"] as const) {
      const text = processes.logs[name].join("").toUpperCase();
      const leaked = codes.filter((code) => text.includes(code)).length;
      if (leaked > 0) fail(`writes: ${leaked} fiscal codes in the ${name}'s log`);
    }
    options.log(`writes: ${accepted.length} assessments and ${claimed.length} claims accepted (${unanswered} attempts unanswered by a killed API), ${last.counts.delivered} notices delivered, IO messages ${last.ioMessages}`);
    return { checked, mismatches, counts: { assessments: accepted.length, claims: claimed.length, notices: last.counts.delivered, unansweredAttempts: unanswered } };
  } finally {
    // The notifier's killer finishes its round (it may be starting the notifier), then all stop.
    stopKilling = true;
    await notifierKilled;
    await processes.stop();
  }
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
