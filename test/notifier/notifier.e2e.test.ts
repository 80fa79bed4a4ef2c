// Proactive notices and one-click claims over a whole PA Chain: a real node, the oracle, the read
// API with its indexer, the IO simulator and the notifier as their own processes.
import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { loadConsortium } from "../../src/demo/consortium.ts";
import { openNoticeStore, noticeStorePath } from "../../src/notifier/store.ts";
import { demoProfile, IO_DEMO_SUBSCRIPTION_KEY } from "../../src/simulators/io.ts";
import { freePort, readFeed, startProcess } from "../oracle/harness.ts";
import { startDemoApi, type DemoApi } from "../api/demo-api.ts";
import { isoDaysFromToday } from "../support/clock.ts";

const ACCOMPANIMENT = "INV_INDENNITA_ACCOMPAGNAMENTO";
/** Words a message must never carry: the assessment's category or percentage, a diagnosis. */
const SENSITIVE = /%|percent|invalid|cieco|ciech|blind|sord|deaf|handicap|categor|diagnos|L\.?\s?104/i;

interface IoItem { id: string; created_at: string; content: { subject: string; markdown: string } }

describe("notifier: proactive IO notices and one-click claims over a real node, oracle, indexer and IO", function () {
  this.timeout(600_000);
  let demo: DemoApi;
  let ioUrl: string;
  let io: ChildProcess;
  let notifier: ChildProcess | undefined;
  let notifierEnv: Record<string, string>;
  let commissionId: number;
  let onIo: string;
  let notOnIo: string;

  const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.body) headers.set("content-type", "application/json");
    const response = await fetch(`${demo.api.url}${path}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const token = async (role: string, fiscalCode: string, organisation?: number) =>
    (await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role, fiscalCode, organisation }) })).body.token as string;
  const inbox = async (fiscalCode: string): Promise<IoItem[]> => ((await (await fetch(`${ioUrl}/api/v1/messages/${fiscalCode}`)).json()) as { items: IoItem[] }).items;
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const startNotifier = async () => {
    notifier = await startProcess(["scripts/notifier.ts"], notifierEnv, /notifier running/);
  };
  const recordAssessment = async (sourceId: string, fiscalCode: string) => {
    const commission = await token("commission", "RSSMRA85T10A562S", commissionId);
    const signed = await call("/v1/dev/assessments/sign", {
      method: "POST", token: commission,
      body: JSON.stringify({
        sourceId, fiscalCode, category: "CIVIL_INVALIDITY", percentage: 100, flags: ["NEEDS_CONTINUOUS_ASSISTANCE"],
        effectiveDate: isoDaysFromToday(-30), reviewDate: isoDaysFromToday(700), report: `report of ${sourceId}`,
      }),
    });
    expect(signed.status, JSON.stringify(signed.body)).to.equal(200);
    const submitted = await call("/v1/assessments", { method: "POST", token: commission, body: JSON.stringify(signed.body.submission) });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    return submitted.body.assessmentId as string;
  };
  /** Every message in IO, over the people of the demo population. */
  const allMessages = async (people: readonly string[]) => (await Promise.all(people.map(inbox))).flat();

  let population: string[];
  let candidates: string[];

  before(async function () {
    demo = await startDemoApi({ size: 60, seed: 5, payroll: true });
    const { system } = demo;
    ioUrl = `http://127.0.0.1:${await freePort()}`;
    io = await startProcess(["scripts/io-simulator.ts", "--port", new URL(ioUrl).port], { PACHAIN_HOME: system.home, LOG_LEVEL: "warn" }, /listening on/);
    notifierEnv = {
      ...system.env, PACHAIN_IO_URL: ioUrl, PACHAIN_IO_SUBSCRIPTION_KEY: IO_DEMO_SUBSCRIPTION_KEY,
      PACHAIN_NOTIFIER_METRICS_PORT: "0", PACHAIN_NOTIFIER_POLL_INTERVAL_MS: "200",
      PACHAIN_NOTIFIER_CLAIM_URL: `${demo.api.url}/cittadino`, LOG_LEVEL: "warn",
    };
    commissionId = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION")!.orgId;

    // People alive, with a civil record, out of hospital, who never applied for the attendance allowance.
    const civil = await readFeed(system.sources.comune);
    const health = await readFeed(system.sources.asl);
    const inps = await readFeed(system.sources.inps);
    const excluded = new Set([
      ...civil.filter((e) => e.kind === "death").map((e) => String(e.fiscalCode)),
      ...health.filter((e) => e.kind === "hospitalStay" || e.kind === "assessment").map((e) => String(e.fiscalCode)),
      ...inps.filter((e) => e.kind === "application").map((e) => String(e.fiscalCode)),
    ]);
    population = [...new Set(civil.filter((e) => e.kind === "civil").map((e) => String(e.fiscalCode)))];
    candidates = population.filter((p) => !excluded.has(p));
    onIo = candidates.find((p) => demoProfile(p)?.sender_allowed)!;
    notOnIo = candidates.find((p) => demoProfile(p) === undefined)!;
    expect(onIo, "a person on IO without an assessment").to.be.a("string");
    expect(notOnIo, "a person not on IO without an assessment").to.be.a("string");
    await startNotifier();
  });

  after(async function () {
    notifier?.kill("SIGKILL");
    io?.kill("SIGTERM");
    await demo?.close();
  });

  it("a new assessment recorded through the commission endpoint makes an IO message with a call to action appear; none for someone not on IO", async function () {
    const startBlock = await demo.system.provider.getBlockNumber();
    await recordAssessment("NOTIFIER-E2E-1", onIo);
    await recordAssessment("NOTIFIER-E2E-2", notOnIo);
    const messages = await waitFor("an IO message for the newly entitled person", async () => {
      const items = await inbox(onIo);
      return items.some((m) => m.content.markdown.includes("cta_1")) ? items : undefined;
    });
    const blocks = (await demo.system.provider.getBlockNumber()) - startBlock;
    expect(blocks, "blocks between the assessment and the message").to.be.at.most(10);
    const entitled = messages.filter((m) => m.content.markdown.includes("cta_1"));
    expect(entitled.length).to.be.at.least(1);
    expect(entitled[0].content.markdown).to.match(/^---\n(it|en):\n {4}cta_1:\n/);
    expect(entitled[0].content.markdown).to.contain(`${demo.api.url}/cittadino?avviso=`);

    // The citizen's notices: what was sent, through IO, delivered.
    const citizen = await token("citizen", onIo);
    const notices = (await call("/v1/me/notices", { token: citizen })).body.notices as Array<Record<string, unknown>>;
    expect(notices.some((n) => n.kind === "ENTITLED_UNCLAIMED" && n.benefit === ACCOMPANIMENT && n.status === "delivered" && n.channel === "IO")).to.equal(true);

    // Not on IO: the notice exists and says so, and IO has nothing for them.
    const theirs = await waitFor("the not-on-IO person's notice", async () => {
      const list = (await call("/v1/me/notices", { token: await token("citizen", notOnIo) })).body.notices as Array<Record<string, unknown>>;
      return list.some((n) => n.status !== "pending" && n.status !== "sending") ? list : undefined;
    });
    expect(theirs.every((n) => n.status === "not_delivered" && n.detail === "not on IO")).to.equal(true);
    expect(await inbox(notOnIo)).to.deep.equal([]);
  });

  it("the citizen claims with one call (the same answer again while pending), the decision lands on chain and IO says so", async function () {
    const citizen = await token("citizen", onIo);
    const before = (await call("/v1/me/entitlements", { token: citizen })).body.entitlements.find((e: { benefit: string }) => e.benefit === ACCOMPANIMENT);
    expect(before).to.deep.include({ eligible: true, claim: { status: "NOT_CLAIMED" } });
    const claim = await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: ACCOMPANIMENT }) });
    expect(claim.status).to.equal(202);
    expect(claim.body.status).to.equal("PENDING");
    expect(claim.body.id).to.match(/^0x[0-9a-f]{64}$/);
    const again = await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: ACCOMPANIMENT }) });
    expect(again.body.id).to.equal(claim.body.id);
    expect((await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: "NOPE" }) })).status).to.equal(400);

    const decided = await waitFor("the claim decided on chain", async () => {
      const a = await call(`/v1/me/applications/${claim.body.id}`, { token: citizen });
      return a.body.status !== "PENDING" && a.body.decision?.block ? a.body : undefined;
    });
    expect(decided).to.deep.include({ status: "GRANTED", benefit: ACCOMPANIMENT });
    const receipt = await demo.system.provider.getTransactionReceipt(decided.decision.txHash);
    expect(receipt!.blockNumber).to.equal(decided.decision.block);
    const [log] = await demo.system.contracts.ledger.queryFilter(demo.system.contracts.ledger.filters.ApplicationDecided(claim.body.id));
    expect(log.args.eligible).to.equal(true);
    const granted = await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: ACCOMPANIMENT }) });
    expect(granted.body).to.deep.equal({ id: claim.body.id, status: "GRANTED" });
    const after = (await call("/v1/me/entitlements", { token: citizen })).body.entitlements.find((e: { benefit: string }) => e.benefit === ACCOMPANIMENT);
    expect(after.claim).to.deep.equal({ status: "GRANTED", applicationId: claim.body.id });
    // Another person cannot read it.
    expect((await call(`/v1/me/applications/${claim.body.id}`, { token: await token("citizen", notOnIo) })).status).to.equal(404);

    await waitFor("the IO message of the granted claim", async () => {
      const items = await inbox(onIo);
      return items.some((m) => /accolta|granted/.test(m.content.subject)) ? items : undefined;
    });
  });

  it("never sends two messages for one change: across an IO outage and a SIGKILL of the notifier", async function () {
    // An outage first: the next 6 IO calls answer 503, so notices are deferred and retried.
    const outage = await fetch(`${ioUrl}/admin/outage`, { method: "POST", body: JSON.stringify({ requests: 6, status: 503 }) });
    expect(outage.status).to.equal(200);
    const someone = candidates.find((p) => p !== onIo && demoProfile(p)?.sender_allowed)!;
    await recordAssessment("NOTIFIER-E2E-3", someone);
    // Killed while it works, and started again.
    await new Promise((r) => setTimeout(r, 300));
    notifier!.kill("SIGKILL");
    await new Promise((resolve) => notifier!.once("exit", resolve));
    await startNotifier();
    const store = openNoticeStore(noticeStorePath({ PACHAIN_HOME: demo.system.home }));
    try {
      await waitFor("every notice settled", async () => {
        const c = store.counts();
        const settled = c.pending === 0 && c.sending === 0;
        return settled && (await inbox(someone)).length > 0 ? true : undefined;
      });
      const counts = store.counts();
      const messages = await allMessages(population);
      // One IO message per delivered notice: no change was messaged twice.
      const health = await (await fetch(`${ioUrl}/health`)).json() as { messages: number };
      expect(health.messages).to.equal(counts.delivered);
      expect(new Set(messages.map((m) => m.id)).size).to.equal(messages.length);
      // No message names a percentage, a category or a diagnosis.
      for (const m of messages) {
        const text = `${m.content.subject}\n${m.content.markdown.replace(/^---[\s\S]*?---\n/, "")}`;
        expect(text, text).to.not.match(SENSITIVE);
        expect(text).to.not.match(/\b100\b/);
      }
    } finally {
      store.close();
    }
  });
});
