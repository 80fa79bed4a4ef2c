// PA Chain's writing parts as their own processes over a test system (test/oracle/harness.ts): the
// oracle with its gateway, the read API (scripts/api.ts) with its own SQLite index, the IO
// simulator and the notifier — each killable with SIGKILL and started again, every line each one
// writes kept (for the log checks). And the clients that write through the API as commissions and
// citizens do, retrying through an API that dies under them until their submission is answered.
// Used by the fault suite (test/faults/suite.ts) and the log check (test/faults/logs.test.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { loadConsortium } from "../../src/demo/consortium.ts";
import { noticeStorePath, openNoticeStore } from "../../src/notifier/store.ts";
import { IO_DEMO_SUBSCRIPTION_KEY } from "../../src/simulators/io.ts";
import { isoDaysFromToday } from "../support/clock.ts";
import { freePort, peopleOf, readFeed, ROOT, type System } from "../oracle/harness.ts";

export type ProcessName = "oracle" | "api" | "io" | "notifier";

export interface WriteProcesses {
  apiUrl: string;
  ioUrl: string;
  /** Everything each process wrote (stdout and stderr), across its restarts. */
  logs: Record<ProcessName, string[]>;
  /** SIGKILL, waited for; then started again. */
  kill(name: "oracle" | "api" | "notifier"): Promise<void>;
  start(name: "oracle" | "api" | "notifier"): Promise<void>;
  /** IO messages the simulator accepted, and the notifier's notices by status. */
  notices(): Promise<{ ioMessages: number; counts: Record<string, number> }>;
  stop(): Promise<void>;
}

const READY: Record<ProcessName, RegExp | null> = { oracle: /oracle gateway listening/, api: /api listening on/, io: /listening on/, notifier: /notifier running/ };

/**
 * Starts the oracle (gateway on), the IO simulator, the read API and the notifier over `system`,
 * at `logLevel`. `env` is the system's environment (DATABASE_URL is left out: the API indexes into
 * its own SQLite file, which the notifier follows).
 */
export async function startWriteProcesses(system: System, options: { env?: Record<string, string>; logLevel?: string } = {}): Promise<WriteProcesses> {
  const { DATABASE_URL: _postgres, ...base } = options.env ?? system.env;
  const [gatewayPort, apiPort, ioPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const ioUrl = `http://127.0.0.1:${ioPort}`;
  const common = {
    ...base,
    LOG_LEVEL: options.logLevel ?? "info",
    PACHAIN_ORACLE_GATEWAY_PORT: String(gatewayPort),
    PACHAIN_ORACLE_GATEWAY_SECRET: randomBytes(24).toString("hex"),
    PACHAIN_INDEXER_SQLITE_FILE: join(system.home, "write-processes-index.sqlite"),
    PACHAIN_INDEXER_POLL_INTERVAL_MS: "200",
  };
  const env: Record<ProcessName, Record<string, string>> = {
    oracle: common,
    io: { PACHAIN_HOME: system.home, LOG_LEVEL: common.LOG_LEVEL },
    api: {
      ...common,
      // The API reads the chain directly; the oracle's own faults are the suite's other part.
      PACHAIN_RPC_URL: system.chain.url,
      PACHAIN_API_PORT: String(apiPort),
      PACHAIN_API_DEMO: "true",
      PACHAIN_ORACLE_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
      PACHAIN_API_RATE_LIMIT_PER_SECOND: "1000000", PACHAIN_API_RATE_LIMIT_BURST: "1000000",
      PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND: "1000000", PACHAIN_API_PUBLIC_RATE_LIMIT_BURST: "1000000",
    },
    notifier: {
      ...common,
      PACHAIN_RPC_URL: system.chain.url,
      PACHAIN_IO_URL: ioUrl, PACHAIN_IO_SUBSCRIPTION_KEY: IO_DEMO_SUBSCRIPTION_KEY,
      PACHAIN_NOTIFIER_METRICS_PORT: "0", PACHAIN_NOTIFIER_POLL_INTERVAL_MS: "200",
      PACHAIN_NOTIFIER_CLAIM_URL: `${apiUrl}/cittadino`,
    },
  };
  const args: Record<ProcessName, string[]> = {
    oracle: ["scripts/oracle.ts", "run"],
    io: ["scripts/io-simulator.ts", "--port", String(ioPort)],
    api: ["scripts/api.ts"],
    notifier: ["scripts/notifier.ts"],
  };
  const logs: Record<ProcessName, string[]> = { oracle: [], api: [], io: [], notifier: [] };
  const children = new Map<ProcessName, ChildProcess>();

  const start = async (name: ProcessName) => {
    children.set(name, await spawnKept(args[name], env[name], READY[name]!, (text) => logs[name].push(text)));
  };
  const kill = async (name: ProcessName) => {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  const stop = async () => {
    for (const name of ["notifier", "api", "oracle", "io"] as const) await kill(name);
  };
  try {
    for (const name of ["oracle", "io", "api", "notifier"] as const) await start(name);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl,
    ioUrl,
    logs,
    kill,
    start,
    async notices() {
      const health = (await (await fetch(`${ioUrl}/health`)).json()) as { messages: number };
      const store = openNoticeStore(noticeStorePath({ PACHAIN_HOME: system.home }));
      try {
        return { ioMessages: health.messages, counts: store.counts() };
      } finally {
        store.close();
      }
    },
    stop,
  };
}

/**
 * `node ARGS` in the project root with `env` added, every chunk of its output (from the first)
 * handed to `keep`; resolves once the output matches `ready`, rejects if it exits before.
 */
function spawnKept(args: readonly string[], env: Record<string, string>, ready: RegExp, keep: (text: string) => void): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const onData = (chunk: Buffer) => {
      keep(chunk.toString());
      if (output.length < 20_000 && ready.test((output += chunk.toString()))) resolve(child);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code}): ${output.slice(-2000)}`)));
  });
}

/** People with a civil record, alive, out of hospital, with no assessment nor application: fresh for new writes. */
export async function freshPeople(system: System): Promise<string[]> {
  return (await peopleOf(system)).fresh;
}

/** Every fiscal code the system's feeds carry: what no log line may contain. */
export async function populationCodes(system: System): Promise<string[]> {
  const events = (await Promise.all(Object.values(system.sources).map(readFeed))).flat();
  return [...new Set(events.map((e) => e.fiscalCode).filter((c): c is string => typeof c === "string").map((c) => c.toUpperCase()))];
}

/** What an API client sees: a status and a JSON body, or no answer at all (the API died mid-request). */
type Answer = { status: number; body: any } | { status: 0; error: string };

/**
 * Sends `request` until the API answers it with a status `done` accepts (the API may be killed and
 * restarting: no answer, 502 or 503 are retried), or the deadline passes. Answers the last answer
 * and how many attempts went unanswered.
 */
export async function untilAnswered(send: () => Promise<Response>, done: (status: number) => boolean, timeoutMs = 120_000): Promise<{ answer: Answer; retries: number }> {
  const deadline = Date.now() + timeoutMs;
  let retries = 0;
  for (;;) {
    let answer: Answer;
    try {
      const response = await send();
      const text = await response.text();
      answer = { status: response.status, body: text ? JSON.parse(text) : undefined };
    } catch (error) {
      answer = { status: 0, error: (error as Error).message };
    }
    if (answer.status !== 0 && answer.status !== 502 && answer.status !== 503) {
      if (done(answer.status) || answer.status < 500) return { answer, retries };
    }
    if (Date.now() > deadline) return { answer, retries };
    retries += 1;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ApiClients {
  /** A commission's assessment of `fiscalCode`, signed by the demo signer and submitted; its on-chain id once accepted. */
  submitAssessment(sourceId: string, fiscalCode: string): Promise<{ id?: string; status: number; retries: number; detail?: string }>;
  /** A citizen's one-click claim of `benefit`; the application id once accepted. */
  fileClaim(fiscalCode: string, benefit: string): Promise<{ id?: string; status: number; retries: number; detail?: string }>;
  /** Requests to the API sent and not answered yet: a kill now lands mid-request. */
  inFlight(): number;
}

export function apiClients(system: System, apiUrl: string): ApiClients {
  const commissionId = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION")!.orgId;
  let inFlight = 0;
  const post = async (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) => {
    inFlight += 1;
    try {
      return await fetch(`${apiUrl}${path}`, {
        method: "POST", body: typeof body === "string" ? body : JSON.stringify(body),
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        signal: AbortSignal.timeout(30_000),
      });
    } finally {
      inFlight -= 1;
    }
  };
  const ok = (status: number) => status >= 200 && status < 300;
  const token = async (role: string, fiscalCode: string, organisation?: number): Promise<string> => {
    const { answer } = await untilAnswered(() => post("/v1/dev/token", { role, fiscalCode, organisation }), ok);
    if (!ok(answer.status)) throw new Error(`dev token: ${JSON.stringify(answer)}`);
    return (answer as { body: { token: string } }).body.token;
  };
  const detail = (answer: Answer) => JSON.stringify(answer).slice(0, 300);
  return {
    inFlight: () => inFlight,
    async submitAssessment(sourceId, fiscalCode) {
      const commission = await token("commission", "RSSMRA85T10A562S", commissionId);
      const signing = await untilAnswered(() => post("/v1/dev/assessments/sign", {
        sourceId, fiscalCode, category: "CIVIL_INVALIDITY", percentage: 100, flags: ["NEEDS_CONTINUOUS_ASSISTANCE"],
        effectiveDate: isoDaysFromToday(-30), reviewDate: isoDaysFromToday(700), report: `report of ${sourceId}`,
      }, commission), ok);
      if (!ok(signing.answer.status)) return { status: signing.answer.status, retries: signing.retries, detail: detail(signing.answer) };
      const signed = (signing.answer as { body: any }).body;
      // The very same body and ModI header on every attempt: a retry is the same submission.
      const body = JSON.stringify(signed.submission);
      const sent = await untilAnswered(() => post("/v1/assessments", body, commission, { [signed.integrity.header]: signed.integrity.value }), ok);
      const answered = sent.answer as { status: number; body?: { assessmentId?: string } };
      return ok(answered.status)
        ? { id: answered.body!.assessmentId!.toLowerCase(), status: answered.status, retries: signing.retries + sent.retries }
        : { status: answered.status, retries: sent.retries, detail: detail(sent.answer) };
    },
    async fileClaim(fiscalCode, benefit) {
      const citizen = await token("citizen", fiscalCode);
      const sent = await untilAnswered(() => post("/v1/me/applications", { benefit }, citizen), ok);
      const answered = sent.answer as { status: number; body?: { id?: string } };
      return ok(answered.status)
        ? { id: answered.body!.id!.toLowerCase(), status: answered.status, retries: sent.retries }
        : { status: answered.status, retries: sent.retries, detail: detail(sent.answer) };
    },
  };
}
