// A whole PA Chain with IO and the notifier for end-to-end tests: the demo API (real node, oracle,
// indexer), the IO simulator and the notifier as their own processes, and the people to try it on.
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { loadConsortium } from "../../src/demo/consortium.ts";
import { demoProfile, IO_DEMO_SUBSCRIPTION_KEY } from "../../src/simulators/io.ts";
import { freePort, peopleOf, startProcess } from "../oracle/harness.ts";
import { startDemoApi, type DemoApi } from "../api/demo-api.ts";
import { isoDaysFromToday } from "../support/clock.ts";

export interface IoItem { id: string; created_at: string; content: { subject: string; markdown: string } }

export interface NotifierSystem {
  demo: DemoApi;
  ioUrl: string;
  /** People with a civil record, alive, out of hospital, with no assessment nor application yet. */
  candidates: string[];
  /** Everyone with a civil record. */
  population: string[];
  notifier(): ChildProcess;
  startNotifier(): Promise<void>;
  /** SIGKILL, waited for. */
  killNotifier(): Promise<void>;
  inbox(fiscalCode: string): Promise<IoItem[]>;
  /** A demo token of `role` (the API's dev route). */
  token(role: string, fiscalCode: string, organisation?: number): Promise<string>;
  /** A 100% assessment with continuous assistance, signed and submitted through the commission endpoint. */
  recordAssessment(sourceId: string, fiscalCode: string): Promise<string>;
  close(): Promise<void>;
}

export const onIo = (fiscalCode: string) => demoProfile(fiscalCode)?.sender_allowed === true;

export async function startNotifierSystem(options: { size: number; seed: number }): Promise<NotifierSystem> {
  const demo = await startDemoApi({ size: options.size, seed: options.seed, payroll: true });
  const { system } = demo;
  const ioUrl = `http://127.0.0.1:${await freePort()}`;
  const io = await startProcess(["scripts/io-simulator.ts", "--port", new URL(ioUrl).port], { PACHAIN_HOME: system.home, LOG_LEVEL: "warn" }, /listening on/);
  const env = {
    ...system.env, PACHAIN_IO_URL: ioUrl, PACHAIN_IO_SUBSCRIPTION_KEY: IO_DEMO_SUBSCRIPTION_KEY,
    PACHAIN_NOTIFIER_METRICS_PORT: "0", PACHAIN_NOTIFIER_POLL_INTERVAL_MS: "200",
    PACHAIN_NOTIFIER_CLAIM_URL: `${demo.api.url}/cittadino`, LOG_LEVEL: "warn",
  };
  const commissionId = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION")!.orgId;
  const { population, fresh: candidates } = await peopleOf(system);

  const post = async (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${demo.api.url}${path}`, {
      method: "POST", body: JSON.stringify(body),
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const token = async (role: string, fiscalCode: string, organisation?: number) =>
    (await post("/v1/dev/token", { role, fiscalCode, organisation })).body.token as string;

  let child: ChildProcess | undefined;
  const self: NotifierSystem = {
    demo, ioUrl, candidates, population, token,
    notifier: () => child!,
    async startNotifier() {
      child = await startProcess(["scripts/notifier.ts"], env, /notifier running/);
    },
    async killNotifier() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
    async inbox(fiscalCode) {
      return ((await (await fetch(`${ioUrl}/api/v1/messages/${fiscalCode}`)).json()) as { items: IoItem[] }).items;
    },
    async recordAssessment(sourceId, fiscalCode) {
      const commission = await token("commission", "RSSMRA85T10A562S", commissionId);
      const signed = await post("/v1/dev/assessments/sign", {
        sourceId, fiscalCode, category: "CIVIL_INVALIDITY", percentage: 100, flags: ["NEEDS_CONTINUOUS_ASSISTANCE"],
        effectiveDate: isoDaysFromToday(-30), reviewDate: isoDaysFromToday(700), report: `report of ${sourceId}`,
      }, commission);
      if (signed.status !== 200) throw new Error(`sign: ${JSON.stringify(signed.body)}`);
      // With the ModI integrity header the demo system key signed over the same JSON text.
      const submitted = await post("/v1/assessments", signed.body.submission, commission, { [signed.body.integrity.header]: signed.body.integrity.value });
      if (submitted.status !== 202) throw new Error(`submit: ${JSON.stringify(submitted.body)}`);
      return submitted.body.assessmentId as string;
    },
    async close() {
      await self.killNotifier();
      io.kill("SIGTERM");
      await demo.close();
    },
  };
  try {
    await self.startNotifier();
  } catch (error) {
    io.kill("SIGTERM");
    await demo.close();
    throw error;
  }
  return self;
}

/** Polls `probe` until it answers something, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
