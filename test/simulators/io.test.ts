import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../src/logger.ts";
import { createIoSimulator, demoProfile, IO_DEMO_SUBSCRIPTION_KEY, type IoSimulator } from "../../src/simulators/io.ts";
import type { RunningServer } from "../../src/simulators/feed.ts";

const KEY = IO_DEMO_SUBSCRIPTION_KEY;
const ON_IO = "RSSMRA85T10A562S";
const content = { subject: "Un avviso di prova da INPS", markdown: "Questo è il testo di un avviso di prova. ".repeat(3) };

describe("simulators: IO Services API", function () {
  let dir: string;
  let io: IoSimulator;
  let server: RunningServer;
  const profiles: Record<string, { sender_allowed: boolean; preferred_languages: string[] } | undefined> = {
    [ON_IO]: { sender_allowed: true, preferred_languages: ["it_IT"] },
    VRDLGU80A01H501U: { sender_allowed: false, preferred_languages: ["it_IT"] },
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = { "ocp-apim-subscription-key": KEY }) =>
    fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  beforeEach(async function () {
    dir = mkdtempSync(join(tmpdir(), "pachain-io-"));
    io = createIoSimulator({ logger: createLogger("silent"), journal: join(dir, "io.jsonl"), profileOf: (fc) => profiles[fc] });
    server = await io.listen(0);
  });
  afterEach(async function () {
    await io.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a profile, 404 for someone not on IO, 401 for a wrong key", async function () {
    const ok = await post("/api/v1/profiles", { fiscal_code: ON_IO });
    expect(ok.status).to.equal(200);
    expect(await ok.json()).to.deep.equal({ sender_allowed: true, preferred_languages: ["it_IT"] });
    expect((await post("/api/v1/profiles", { fiscal_code: "BNCLRA90A41F205X" })).status).to.equal(404);
    expect((await post("/api/v1/profiles", { fiscal_code: ON_IO }, { "ocp-apim-subscription-key": "wrong" })).status).to.equal(401);
  });

  it("accepts a message (201 {id}), refuses an invalid body with 400 and shows it in the inbox", async function () {
    const created = await post("/api/v1/messages", { fiscal_code: ON_IO, content });
    expect(created.status).to.equal(201);
    const { id } = (await created.json()) as { id: string };
    expect(id).to.match(/^[0-9A-Z]{26}$/);
    expect((await post("/api/v1/messages", { fiscal_code: ON_IO, content: { ...content, subject: "short" } })).status).to.equal(400);
    expect((await post("/api/v1/messages", { fiscal_code: ON_IO, content: { ...content, markdown: "too short" } })).status).to.equal(400);
    expect((await post("/api/v1/messages", { fiscal_code: "VRDLGU80A01H501U", content })).status).to.equal(403);
    const inbox = (await (await fetch(`${server.url}/api/v1/messages/${ON_IO}`)).json()) as { items: Array<{ id: string }> };
    expect(inbox.items.map((m) => m.id)).to.deep.equal([id]);
  });

  it("answers a retried message with the same idempotency key once, with the first id", async function () {
    const headers = { "ocp-apim-subscription-key": KEY, "idempotency-key": "notice-1" };
    const a = (await (await post("/api/v1/messages", { fiscal_code: ON_IO, content }, headers)).json()) as { id: string };
    const b = (await (await post("/api/v1/messages", { fiscal_code: ON_IO, content }, headers)).json()) as { id: string };
    expect(b.id).to.equal(a.id);
    expect(io.inbox(ON_IO)).to.have.length(1);
  });

  it("answers 503 and 429 during an outage, deterministically, then recovers", async function () {
    io.outage(2, 503);
    expect((await post("/api/v1/messages", { fiscal_code: ON_IO, content })).status).to.equal(503);
    expect((await post("/api/v1/profiles", { fiscal_code: ON_IO })).status).to.equal(503);
    expect((await post("/api/v1/messages", { fiscal_code: ON_IO, content })).status).to.equal(201);
    io.outage(1, 429);
    const busy = await post("/api/v1/messages", { fiscal_code: ON_IO, content });
    expect(busy.status).to.equal(429);
    expect(busy.headers.get("retry-after")).to.equal("1");
  });

  it("reloads the inbox from its journal after a restart", async function () {
    await post("/api/v1/messages", { fiscal_code: ON_IO, content });
    await io.close();
    io = createIoSimulator({ logger: createLogger("silent"), journal: join(dir, "io.jsonl"), profileOf: (fc) => profiles[fc] });
    server = await io.listen(0);
    expect(io.inbox(ON_IO)).to.have.length(1);
  });

  it("gives the demo population profiles: some not on IO, some blocked, some in English", function () {
    const codes = Array.from({ length: 2000 }, (_, i) => `RSSMRA85T10A${String(i).padStart(3, "0")}S`);
    const profilesOf = codes.map((c) => demoProfile(c));
    const missing = profilesOf.filter((p) => p === undefined).length;
    const blocked = profilesOf.filter((p) => p && !p.sender_allowed).length;
    const english = profilesOf.filter((p) => p?.preferred_languages[0] === "en_GB").length;
    expect(missing).to.be.within(100, 250);
    expect(blocked).to.be.within(40, 130);
    expect(english).to.be.within(200, 400);
  });
});
