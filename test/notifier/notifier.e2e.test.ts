// Proactive notices and one-click claims over a whole PA Chain: a real node, the oracle, the read
// API with its indexer, the IO simulator and the notifier as their own processes.
import { expect } from "chai";
import { demoProfile } from "../../src/simulators/io.ts";
import { noticeStorePath, openNoticeStore } from "../../src/notifier/store.ts";
import { onIo, startNotifierSystem, waitFor, type NotifierSystem } from "./harness.ts";

const ACCOMPANIMENT = "INV_INDENNITA_ACCOMPAGNAMENTO";
/** Words a message must never carry: the assessment's category or percentage, a diagnosis. */
const SENSITIVE = /%|percent|invalid|cieco|ciech|blind|sord|deaf|handicap|categor|diagnos|\b104\b/i;

describe("notifier: proactive IO notices and one-click claims over a real node, oracle, indexer and IO", function () {
  this.timeout(600_000);
  let sys: NotifierSystem;
  let person: string;
  let absent: string;

  const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.body) headers.set("content-type", "application/json");
    const response = await fetch(`${sys.demo.api.url}${path}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  before(async function () {
    sys = await startNotifierSystem({ size: 60, seed: 5 });
    person = sys.candidates.find(onIo)!;
    absent = sys.candidates.find((p) => demoProfile(p) === undefined)!;
    expect(person, "a person on IO without an assessment").to.be.a("string");
    expect(absent, "a person not on IO without an assessment").to.be.a("string");
  });

  after(async function () {
    await sys?.close();
  });

  it("a new assessment recorded through the commission endpoint makes an IO message with a call to action appear; none for someone not on IO", async function () {
    const startBlock = await sys.demo.system.provider.getBlockNumber();
    await sys.recordAssessment("NOTIFIER-E2E-1", person);
    await sys.recordAssessment("NOTIFIER-E2E-2", absent);
    const messages = await waitFor("an IO message for the newly entitled person", async () => {
      const items = await sys.inbox(person);
      return items.some((m) => m.content.markdown.includes("cta_1")) ? items : undefined;
    });
    const blocks = (await sys.demo.system.provider.getBlockNumber()) - startBlock;
    expect(blocks, "blocks between the assessment and the message").to.be.at.most(10);
    const entitled = messages.filter((m) => m.content.markdown.includes("cta_1"));
    expect(entitled[0].content.markdown).to.match(/^---\nit:\n {4}cta_1:\n/);
    expect(entitled[0].content.markdown).to.contain(`${sys.demo.api.url}/cittadino?avviso=`);

    // The citizen's notices: what was sent, through IO, delivered.
    const citizen = await sys.token("citizen", person);
    // (One notice per benefit the person became entitled to: the attendance allowance's may come second.)
    await waitFor("the attendance allowance's notice delivered through IO", async () => {
      const notices = (await call("/v1/me/notices", { token: citizen })).body.notices as Array<Record<string, unknown>>;
      return notices.some((n) => n.kind === "ENTITLED_UNCLAIMED" && n.benefit === ACCOMPANIMENT && n.status === "delivered" && n.channel === "IO") ? true : undefined;
    });

    // Not on IO: the notices exist and say so, and IO has nothing for them.
    const theirs = await waitFor("the not-on-IO person's notices settled", async () => {
      const list = (await call("/v1/me/notices", { token: await sys.token("citizen", absent) })).body.notices as Array<Record<string, unknown>>;
      return list.length > 0 && list.every((n) => n.status !== "pending" && n.status !== "sending") ? list : undefined;
    });
    expect(theirs.every((n) => n.status === "not_delivered" && n.detail === "not on IO")).to.equal(true);
    expect(await sys.inbox(absent)).to.deep.equal([]);
  });

  it("the citizen claims with one call (the same answer again while pending), the decision lands on chain and IO says so", async function () {
    const citizen = await sys.token("citizen", person);
    const before = (await call("/v1/me/entitlements", { token: citizen })).body.entitlements.find((e: { benefit: string }) => e.benefit === ACCOMPANIMENT);
    expect(before).to.deep.include({ eligible: true, claim: { status: "NOT_CLAIMED" } });
    const claim = await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: ACCOMPANIMENT }) });
    expect(claim.status).to.equal(202);
    expect(claim.body.status).to.equal("PENDING");
    expect(claim.body.id).to.match(/^0x[0-9a-f]{64}$/);
    const again = await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: ACCOMPANIMENT }) });
    expect(again.body).to.deep.equal(claim.body);
    expect((await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: "NOPE" }) })).status).to.equal(400);

    const decided = await waitFor("the claim decided on chain", async () => {
      const a = await call(`/v1/me/applications/${claim.body.id}`, { token: citizen });
      return a.body.status !== "PENDING" && a.body.decision?.block ? a.body : undefined;
    });
    expect(decided).to.deep.include({ status: "GRANTED", benefit: ACCOMPANIMENT });
    const receipt = await sys.demo.system.provider.getTransactionReceipt(decided.decision.txHash);
    expect(receipt!.blockNumber).to.equal(decided.decision.block);
    const { ledger } = sys.demo.system.contracts;
    const [log] = await ledger.queryFilter(ledger.filters.ApplicationDecided(claim.body.id));
    expect(log.args.eligible).to.equal(true);
    const granted = await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: ACCOMPANIMENT }) });
    expect(granted.body).to.deep.equal({ id: claim.body.id, status: "GRANTED" });
    const after = (await call("/v1/me/entitlements", { token: citizen })).body.entitlements.find((e: { benefit: string }) => e.benefit === ACCOMPANIMENT);
    expect(after.claim).to.deep.equal({ status: "GRANTED", applicationId: claim.body.id });
    // Another person cannot read it.
    expect((await call(`/v1/me/applications/${claim.body.id}`, { token: await sys.token("citizen", absent) })).status).to.equal(404);

    // A claim the contracts refuse (the assessment does not meet the partial allowance's range):
    // refused with the chain's reason, and a new claim after it is a new application.
    const refusedClaim = await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: "INV_ASSEGNO_MENSILE" }) });
    expect(refusedClaim.status).to.equal(202);
    const refused = await waitFor("the refused claim decided on chain", async () => {
      const a = await call(`/v1/me/applications/${refusedClaim.body.id}`, { token: citizen });
      return a.body.status !== "PENDING" && a.body.decision?.block ? a.body : undefined;
    });
    expect(refused).to.deep.include({ status: "REFUSED" });
    expect(refused.decision).to.deep.include({ eligible: false, reason: "REQUIREMENT_NOT_MET" });
    expect(refused.decision.explanation.it).to.be.a("string");
    const retry = await call("/v1/me/applications", { method: "POST", token: citizen, body: JSON.stringify({ benefit: "INV_ASSEGNO_MENSILE" }) });
    expect(retry.body.id).to.not.equal(refusedClaim.body.id);
    expect(retry.body.status).to.equal("PENDING");

    await waitFor("the IO message of the granted claim", async () => {
      const items = await sys.inbox(person);
      return items.some((m) => /accolta|granted/.test(m.content.subject)) ? items : undefined;
    });
  });

  it("never sends two messages for one change: across an IO outage and a SIGKILL of the notifier", async function () {
    // The next 12 IO calls answer 503: notices are deferred and retried with backoff.
    const outage = await fetch(`${sys.ioUrl}/admin/outage`, { method: "POST", body: JSON.stringify({ requests: 12, status: 503 }) });
    expect(outage.status).to.equal(200);
    const someone = sys.candidates.find((p) => p !== person && onIo(p))!;
    await sys.recordAssessment("NOTIFIER-E2E-3", someone);
    const store = openNoticeStore(noticeStorePath({ PACHAIN_HOME: sys.demo.system.home }));
    try {
      // Killed while it retries through the outage (a notice of theirs deferred), and started again.
      const subject = sys.demo.rt.vault.pseudonymOf(someone);
      await waitFor("a notice deferred by the outage", async () =>
        store.noticesOf(subject, 100).some((n) => n.status === "pending" && /503/.test(n.detail ?? "")) ? true : undefined);
      await sys.killNotifier();
      await sys.startNotifier();
      await waitFor("every notice settled, and the new one in IO", async () => {
        const c = store.counts();
        return c.pending === 0 && c.sending === 0 && (await sys.inbox(someone)).length > 0 ? true : undefined;
      });
      const counts = store.counts();
      // One IO message per delivered notice: no change was messaged twice.
      const health = (await (await fetch(`${sys.ioUrl}/health`)).json()) as { messages: number };
      expect(health.messages).to.equal(counts.delivered);
      expect(counts.failed).to.equal(0);
      const messages = (await Promise.all(sys.population.map((p) => sys.inbox(p)))).flat();
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
