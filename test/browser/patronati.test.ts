// Browser test of the patronati flow, in Debian's Chromium (playwright-core) over a real node,
// index and oracle: the citizen delegates a patronato from their page; the patronato's operator
// opens that person on the desk and files a claim, decided on chain; the citizen sees the access
// and the claim; the citizen revokes and the operator loses access at once. Run by
// `npm run test:browser` (PACHAIN_BROWSER_TESTS=1); `npm test` loads this file and defines nothing.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { benefitId, loadCatalog } from "../../src/domain/catalog.ts";
import { loadConsortium } from "../../src/demo/consortium.ts";
import { readFeed, ROOT } from "../oracle/harness.ts";
import { startDemoApi, type DemoApi } from "../api/demo-api.ts";
import { today } from "../support/clock.ts";

const CHROMIUM = process.env.PACHAIN_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, "test-results", "screenshots");
const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
const WIDTHS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;

if (process.env.PACHAIN_BROWSER_TESTS === "1") {
  describe("patronati in Chromium: delegate, file a claim for the person, see it, revoke", function () {
    this.timeout(240_000);
    let demo: DemoApi;
    let browser: Browser;
    let citizenPage: Page;
    let deskPage: Page;
    let person: string;
    let benefit: string;
    let patronato: { id: number; name: string; operators: Array<{ fiscalCode: string }> };
    const problems: string[] = [];

    const shoot = async (page: Page, name: string) => {
      expect(await page.innerText("main"), `${name}: text of the page`).to.not.match(/\b(undefined|null|NaN|\[object Object\])\b/);
      for (const [width, size] of Object.entries(WIDTHS)) {
        await page.setViewportSize(size);
        await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
      }
    };
    const axe = async (page: Page, name: string) => {
      await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ["violations"] });
        return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(" ")).slice(0, 5) }));
      });
      const serious = violations.filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical");
      expect(serious, `${name}: axe-core violations ${JSON.stringify(serious, null, 1)}`).to.deep.equal([]);
    };
    const newPage = async () => {
      const context = await browser.newContext({ viewport: WIDTHS.desktop, locale: "it-IT", timezoneId: "Europe/Rome" });
      // Playwright waits 30 s by default; a loaded machine (CI on 2 cores) needs more to stay free of timing flakes.
      context.setDefaultTimeout(90_000);
      const page = await context.newPage();
      page.on("console", (message) => {
        // A refused request (the 403 after the revocation) is the browser's own log line, not the page's error.
        if (message.type() === "error" && !/status of 403/.test(message.text())) problems.push(`${message.text()} (${message.location().url})`);
      });
      page.on("pageerror", (error) => problems.push(error.message));
      return page;
    };
    const signIn = async (page: Page, role: "citizen" | "patronato", fiscalCode: string, organisation?: number) => {
      await page.goto(`${demo.api.url}/accedi?ruolo=${role}`);
      await page.locator(`input[name=role][value=${role}]`).check();
      await page.fill("#fiscal-code", fiscalCode);
      if (organisation !== undefined) {
        await page.waitForSelector(`#patronato option[value="${organisation}"]`, { state: "attached" });
        await page.selectOption("#patronato", String(organisation));
      }
      await Promise.all([page.waitForURL((url) => url.pathname !== "/accedi"), page.click("#signin-form button[type=submit]")]);
    };

    before(async function () {
      mkdirSync(SHOTS, { recursive: true });
      demo = await startDemoApi({ size: 60, seed: 3, payroll: true });
      const { system, rt } = demo;
      patronato = loadConsortium(join(system.home, "consortium.json")).patronati![0];
      // Someone entitled today to a benefit they never applied for: the patronato claims it for them.
      const people = [...new Set((await readFeed(system.sources.comune)).filter((e) => e.kind === "civil").map((e) => String(e.fiscalCode)))];
      search: for (const p of people) {
        const subject = rt.vault.pseudonymOf(p);
        const applied = new Set(rt.store.applicationsOf(subject).map((a) => a.benefit));
        for (const b of loadCatalog().benefits) {
          if (applied.has(b.code)) continue;
          const [eligible] = await system.contracts.ledger.check(subject, benefitId(b.code), today());
          if (eligible) {
            [person, benefit] = [p, b.code];
            break search;
          }
        }
      }
      expect(person, "a person entitled to a benefit never claimed").to.be.a("string");
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
      });
      citizenPage = await newPage();
      deskPage = await newPage();
    });

    afterEach(function () {
      const seen = problems.splice(0);
      expect(seen, "errors in the browser console").to.deep.equal([]);
    });

    after(async function () {
      await browser?.close();
      await demo?.close();
    });

    it("the citizen delegates a patronato from their page, to see the status and to file claims", async function () {
      await signIn(citizenPage, "citizen", person);
      await citizenPage.waitForSelector("body[data-delegations=loaded]");
      expect(await citizenPage.textContent("#delegations")).to.contain("Non hai deleghe");
      await citizenPage.selectOption("#d-patronato", String(patronato.id));
      await citizenPage.check("#delegation-form input[value=SUBMIT_APPLICATIONS]");
      await citizenPage.click("#delegation-form button[type=submit]");
      await citizenPage.waitForSelector("#delegations [data-state=ACTIVE]");
      expect(await citizenPage.textContent("#delegations [data-state=ACTIVE] h3")).to.equal(patronato.name);
      await axe(citizenPage, "citizen-delegations");
      await shoot(citizenPage, "citizen-delegations");
    });

    it("the operator opens that person on the desk and files a claim, which INPS decides on chain", async function () {
      await signIn(deskPage, "patronato", patronato.operators[0].fiscalCode, patronato.id);
      expect(new URL(deskPage.url()).pathname).to.equal("/patronato");
      await deskPage.waitForSelector("body[data-loaded=true]");
      await deskPage.click(`button[data-open="${person}"]`);
      await deskPage.waitForSelector(`#person-benefits [data-benefit="${benefit}"]`);
      await axe(deskPage, "patronato-person");
      await deskPage.click(`#person-benefits [data-benefit="${benefit}"] button[data-claim]`);
      await deskPage.waitForSelector("#person-applications tr[data-status=GRANTED] td", { timeout: 120_000 });
      const row = deskPage.locator("#person-applications tr[data-status=GRANTED]", { hasText: patronato.name });
      expect(await row.count()).to.equal(1);
      const applicationId = (await row.getAttribute("data-application"))!;
      const [decided] = await demo.system.contracts.ledger.queryFilter(demo.system.contracts.ledger.filters.ApplicationDecided(applicationId));
      expect(decided.args.eligible).to.equal(true);
      await shoot(deskPage, "patronato-desk");
      await deskPage.click("#lang-switch");
      expect(await deskPage.textContent("h1")).to.equal("Patronato desk");
      await deskPage.click("#lang-switch");
    });

    it("the citizen sees the patronato's accesses and the claim it filed", async function () {
      await citizenPage.reload();
      await citizenPage.waitForSelector("body[data-loaded=true]");
      await citizenPage.waitForSelector("body[data-delegations=loaded]");
      const log = (await citizenPage.textContent("#access-log"))!;
      expect(log).to.contain(patronato.name);
      expect(log).to.contain(patronato.operators[0].fiscalCode);
      expect(await citizenPage.textContent("#delegations [data-state=ACTIVE] [data-claims]")).to.contain("Accolta");
      await axe(citizenPage, "citizen-patronato-access");
      await shoot(citizenPage, "citizen-patronato-access");
    });

    it("the citizen revokes, and the operator loses access at once", async function () {
      await citizenPage.click("#delegations [data-state=ACTIVE] button[data-revoke]");
      await citizenPage.waitForSelector("#delegations [data-state=REVOKED]");
      // The desk still shows the person from before: opening it again is refused, and says why.
      await deskPage.click(`button[data-open="${person}"]`);
      await deskPage.waitForFunction(() => (globalThis as any).document.getElementById("person-error").textContent.includes("revocato"));
      await deskPage.reload();
      await deskPage.waitForSelector("body[data-loaded=true]");
      expect(await deskPage.locator(`[data-person="${person}"]`).count()).to.equal(0);
      expect(await deskPage.textContent("#people")).to.contain("Nessuna persona");
      await axe(deskPage, "patronato-revoked");
      await shoot(deskPage, "patronato-revoked");
    });
  });
}
