// Browser tests of the web pages: Debian's Chromium driven by playwright-core against the read API
// over a real node, index and oracle (test/oracle/harness.ts), in demo mode. Each page is checked
// with axe-core (no violation at all) and Lighthouse (accessibility score 100), its Italian text
// for codes, ISO dates and unfilled values, and photographed at phone and desktop widths into
// test-results/screenshots/. Run by `npm run test:browser` (scripts/test-browser.sh), which
// sets PACHAIN_BROWSER_TESTS=1; `npm test` loads this file too and then defines nothing.
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { performance, type PerformanceMark } from "node:perf_hooks";
import { join } from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { navigation, snapshot } from "lighthouse";
import puppeteer from "puppeteer-core";
import { benefitId, reasonName } from "../../src/domain/catalog.ts";
import { formatPeriod } from "../../src/domain/dates.ts";
import { loadConsortium } from "../../src/demo/consortium.ts";
import type { RunningApi } from "../../src/api/server.ts";
import type { OracleRuntime } from "../../src/oracle/wiring.ts";
import { readFeed, ROOT, type System } from "../oracle/harness.ts";
import { startDemoApi, type DemoApi } from "../api/demo-api.ts";
import { acceptOffer, initWallet, present } from "../../src/wallet/demo-wallet.ts";
import { isoToday, testClock, today } from "../support/clock.ts";

const CHROMIUM = process.env.PACHAIN_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, "test-results", "screenshots");
const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
const WIDTHS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;
const STAFF = "RSSMRA85T10A562S";
const CARD = "EU_DISABILITY_CARD";

if (process.env.PACHAIN_BROWSER_TESTS === "1") {
  describe("web pages in Chromium over a real node, index and oracle", function () {
    this.timeout(240_000);
    let demo: DemoApi;
    let system: System;
    let rt: OracleRuntime;
    let api: RunningApi;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    /** A person paid this month; a person in Rome with no card yet, whom a commission assesses. */
    let citizen: string;
    let cardholder: string;
    let commission: { orgId: number; slug: string };
    /** A patronato of the directory and one of its operators. */
    let patronato: { id: number; operator: string };
    let period: number;
    let recordedAssessment: string;
    const problems: string[] = [];

    /** Full-page screenshots at both widths; the page is left at desktop width. */
    const shoot = async (name: string) => {
      // A value the page failed to fill in shows up as these words.
      const text = await page.innerText("body");
      const unfilled = /\b(undefined|null|NaN)\b|(undefined|null|NaN){2}|\[object Object\]/.exec(text);
      expect(unfilled && text.slice(Math.max(0, unfilled.index - 80), unfilled.index + 40), `${name}: an unfilled value in the text`).to.equal(null);
      if ((await page.getAttribute("html", "lang")) === "it") {
        // Plain Italian: no enum-like code (BLINDNESS_ABSOLUTE, ELIGIBLE_…) and no ISO date where a person reads.
        expect(text.match(/[A-Z]{2,}_[A-Z_]+/g), `${name}: codes in the Italian text`).to.equal(null);
        expect(text.match(/\b\d{4}-\d{2}(-\d{2})?\b/g), `${name}: ISO dates in the Italian text`).to.equal(null);
      }
      for (const [width, size] of Object.entries(WIDTHS)) {
        await page.setViewportSize(size);
        // Charts are drawn for the width they get: wait until they are drawn again for this one.
        await page.waitForFunction(() => [...(globalThis as any).document.querySelectorAll("svg.chart")].every((c: any) =>
          Math.abs(Number(c.getAttribute("width")) - Math.max(300, Math.floor(c.parentElement.clientWidth))) <= 1), null, { timeout: 10_000 });
        await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
      }
    };
    /** axe-core in the page (through the debugging protocol, so the page's CSP stays on). */
    const axe = async (name: string) => {
      await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ["violations"] });
        return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(" ")).slice(0, 5) }));
      });
      expect(violations, `${name}: axe-core violations ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
    };
    /** The same data straight from the API, to compare with what a page shows. */
    const apiGet = async (path: string, role: string, fiscalCode: string): Promise<any> => {
      const { token } = (await (await fetch(`${api.url}/v1/dev/token`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role, fiscalCode }),
      })).json()) as { token: string };
      const answer = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status, path).to.equal(200);
      return answer.json();
    };
    const signIn = async (role: "citizen" | "auditor" | "commission" | "patronato", fiscalCode: string, organisation?: number) => {
      await page.goto(`${api.url}/accedi?ruolo=${role}`);
      await page.locator(`input[name=role][value=${role}]`).check();
      await page.fill("#fiscal-code", fiscalCode);
      if (organisation !== undefined && role === "patronato") {
        await page.waitForSelector(`#patronato option[value="${organisation}"]`, { state: "attached" });
        await page.selectOption("#patronato", String(organisation));
      } else if (organisation !== undefined) await page.fill("#organisation", String(organisation));
      await Promise.all([page.waitForURL((url) => url.pathname !== "/accedi"), page.click("#signin-form button[type=submit]")]);
    };

    before(async function () {
      mkdirSync(SHOTS, { recursive: true });
      // Two earlier months paid too, so the auditor's trend and forecast have months to show.
      demo = await startDemoApi({ size: 60, seed: 3, payroll: true, pastMonths: 2 });
      ({ system, rt, api, period } = demo);
      const paid = demo.paidSubjects;
      const people = [...new Set((await readFeed(system.sources.comune)).filter((e) => e.kind === "civil").map((e) => String(e.fiscalCode)))];
      citizen = people.find((p) => paid.has(rt.vault.pseudonymOf(p)))!;
      expect(citizen, "a person paid this month").to.be.a("string");
      // Someone the card is live for (Rome), alive, with no assessment that grants it yet.
      for (const person of people) {
        const e = await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(person), benefitId(CARD), today());
        if (["NO_VALID_ASSESSMENT", "REQUIREMENT_NOT_MET"].includes(reasonName(Number(e.reason)))) {
          cardholder = person;
          break;
        }
      }
      expect(cardholder, "a person in Rome without a disability card").to.be.a("string");
      const consortium = loadConsortium(join(system.home, "consortium.json"));
      const org = consortium.organisations.find((o) => o.kind === "MEDICAL_COMMISSION")!;
      commission = { orgId: org.orgId, slug: org.slug };
      const desk = consortium.patronati![0];
      patronato = { id: desk.id, operator: desk.operators[0].fiscalCode };

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
      });
      context = await browser.newContext({ viewport: WIDTHS.desktop, locale: "it-IT", timezoneId: "Europe/Rome", acceptDownloads: true });
      // Playwright waits 30 s by default; a loaded machine (CI on 2 cores) needs more to stay free of timing flakes.
      context.setDefaultTimeout(90_000);
      page = await context.newPage();
      // A page that breaks its own CSP, or throws, fails the test that loaded it.
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`${message.text()} (${message.location().url})`);
      });
      page.on("pageerror", (error) => problems.push(error.message));
    });

    afterEach(function () {
      const seen = problems.splice(0);
      expect(seen, "errors in the browser console").to.deep.equal([]);
    });

    after(async function () {
      await browser?.close();
      await demo?.close();
    });

    it("serves the pages with their own CSP, the landing page passes axe, and the skip link comes first on the keyboard", async function () {
      const answer = await fetch(`${api.url}/`);
      expect(answer.headers.get("content-security-policy")).to.equal(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
      expect((await fetch(`${api.url}/v1/nothing`)).headers.get("content-security-policy")).to.contain("default-src 'none'");
      await page.goto(`${api.url}/`);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.className)).to.equal("skip");
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).to.equal("main");
      await axe("home");
      await shoot("home");
      await page.click("#lang-switch");
      expect(await page.getAttribute("html", "lang")).to.equal("en");
      expect(await page.textContent("h1")).to.equal("Your disability benefits, verifiable");
      await page.click("#lang-switch");
      expect(await page.textContent("h1")).to.equal("Le tue prestazioni per la disabilità, verificabili");
    });

    it("the legal pages, the sign-in page and the verifier pass axe and read in plain Italian at both widths", async function () {
      for (const [path, name] of [["/note-legali", "legal-notes"], ["/privacy", "privacy"], ["/accessibilita", "accessibility"], ["/verifica", "verify"], ["/accedi", "signin-public"]]) {
        await page.goto(`${api.url}${path}`);
        expect(await page.locator("h1").count(), name).to.equal(1);
        // The kit's header names the administration; its footer links the three legal pages.
        expect(await page.textContent(".it-header-slim-wrapper")).to.contain("INPS");
        expect(await page.locator(".it-footer-small-prints a").allTextContents()).to.deep.equal(["Note legali", "Privacy", "Dichiarazione di accessibilità"]);
        await axe(name);
        await shoot(name);
      }
      // "Today" in the pages is the server's (PACHAIN_TODAY moves it), not the device's.
      expect(await page.getAttribute('meta[name="pachain-today"]', "content")).to.equal(isoToday());
    });

    it("a citizen signs in with the keyboard and sees each benefit's status as the contracts compute it, payments and history", async function () {
      await page.goto(`${api.url}/cittadino`);
      await page.waitForURL(/\/accedi\?ruolo=citizen/);
      await axe("signin");
      await shoot("signin");
      // Keyboard only: Tab to the fiscal code field, type, Enter submits.
      for (let i = 0; i < 20 && (await page.evaluate(() => (globalThis as any).document.activeElement?.id)) !== "fiscal-code"; i++) await page.keyboard.press("Tab");
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).to.equal("fiscal-code");
      await page.keyboard.type(citizen.toLowerCase());
      await Promise.all([page.waitForURL(/\/cittadino$/), page.keyboard.press("Enter")]);
      await page.waitForSelector("body[data-loaded=true]");

      const subject = rt.vault.pseudonymOf(citizen);
      const cards = await page.$$eval("#benefits [data-benefit]", (els) => els.map((e) => ({
        benefit: e.getAttribute("data-benefit")!, status: e.getAttribute("data-status")!, text: e.querySelector(".explanation")!.textContent!,
      })));
      expect(cards).to.have.length(13);
      let granted = 0;
      for (const card of cards) {
        const [eligible, reason] = await system.contracts.ledger.check(subject, benefitId(card.benefit), today());
        expect(card.status, card.benefit).to.equal(eligible ? "granted" : "not-granted");
        if (eligible) granted++;
        else expect(card.text, card.benefit).to.not.equal("");
        expect(reasonName(Number(reason))).to.be.a("string");
      }
      expect(granted, "benefits granted to a person paid this month").to.be.greaterThan(0);
      const payments = (await apiGet("/v1/me/payments?limit=1000", "citizen", citizen)).payments;
      expect(await page.locator("#payments tbody tr").count()).to.equal(payments.length).and.to.be.greaterThan(0);
      expect(await page.locator(`#payments tr[data-period="${formatPeriod(period)}"]`).count()).to.be.greaterThan(0);
      expect(await page.locator("#history li[data-kind=civil]").count()).to.be.greaterThan(0);
      // What the person receives comes first; the benefits not granted are folded, each saying which requirement fails.
      expect(await page.locator("#benefits .summary").count()).to.equal(1);
      const order = await page.$$eval("#benefits [data-group]", (els) => els.map((e) => e.getAttribute("data-group")));
      expect(order.indexOf("other")).to.be.greaterThan(order.lastIndexOf("receiving"));
      expect(await page.isVisible("#other-benefits")).to.equal(false);
      await page.click("#other-benefits-button");
      expect(await page.isVisible("#other-benefits")).to.equal(true);
      // "Not entitled" says which requirement fails in words (the person has an assessment: they are paid).
      const entitlements = (await apiGet("/v1/me/entitlements", "citizen", citizen)).entitlements as Array<{ benefit: string; reason: string }>;
      const notMet = entitlements.filter((x) => x.reason === "REQUIREMENT_NOT_MET");
      for (const e of notMet) expect(cards.find((c) => c.benefit === e.benefit)!.text, e.benefit).to.match(/richiede/);
      for (const e of entitlements.filter((x) => x.reason === "AGE_OUT_OF_RANGE")) expect(cards.find((c) => c.benefit === e.benefit)!.text, e.benefit).to.match(/anni/);
      // No blockchain jargon on the citizen's page: no block numbers, no hashes.
      expect(await page.innerText("main")).to.not.match(/0x[0-9a-f]{6}|blocco/i);
      await axe("citizen");
      await shoot("citizen");
      await page.click("#lang-switch");
      expect(await page.textContent("h1")).to.equal("My benefits");
      expect(await page.locator("#benefits .badge").first().textContent()).to.match(/Granted|Not granted/);
      await shoot("citizen-en");
      await page.click("#lang-switch");
    });

    it("a commission fills in an assessment, signs it with the members' keys, submits it and follows it until recorded", async function () {
      await signIn("commission", STAFF, commission.orgId);
      expect(new URL(page.url()).pathname).to.equal("/commissione");
      await page.fill("#a-fiscal-code", cardholder);
      await page.selectOption("#a-category", "CIVIL_INVALIDITY");
      await page.fill("#a-percentage", "100");
      await page.check("input[name=flags][value=NEEDS_CONTINUOUS_ASSISTANCE]");
      await page.fill("#a-report", "Verbale di prova del test del browser");
      const sourceId = await page.inputValue("#a-source-id");
      await axe("commission-form");
      await page.click("#sign-button");
      await page.waitForSelector("#submit-button:not(.hidden)");
      expect(await page.textContent('[data-step="signed"]')).to.match(/3/);
      await page.click("#submit-button");
      await page.waitForSelector('[data-step="recorded"][data-done="true"]', { timeout: 90_000 });
      recordedAssessment = (await page.textContent("#progress .mono"))!.split(": ")[1].trim();
      expect(recordedAssessment).to.match(/^0x[0-9a-f]{64}$/);
      const e = await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(cardholder), benefitId(CARD), today());
      expect({ eligible: e.eligible, assessment: e.assessmentId }).to.deep.equal({ eligible: true, assessment: recordedAssessment });
      const row = page.locator(`#assessment-list tr[data-assessment="${recordedAssessment}"]`);
      // The list is read again once the record is on chain: under load that takes a while.
      await row.waitFor({ timeout: 120_000 });
      // Initials name first: the page sends no name, so the fiscal code's name and surname letters.
      expect(await row.innerText()).to.contain(sourceId).and.to.contain(`${cardholder[3]}. ${cardholder[0]}.`).and.to.contain("Invalidità civile 100%");
      await page.fill("#list-search", sourceId);
      expect(await page.locator("#assessment-list tbody tr").count()).to.equal(1);
      await page.fill("#list-search", "");
      await axe("commission");
      await shoot("commission");
    });

    it("the citizen takes the card into the demo wallet, presents it at /verifica: \"Carta valida\"; after the revocation on chain \"Carta non valida\"", async function () {
      await signIn("citizen", cardholder);
      await page.waitForSelector("body[data-loaded=true]");
      expect(await page.getAttribute(`#benefits [data-benefit=${CARD}]`, "data-status")).to.equal("granted");
      await page.selectOption("#proof-benefit", CARD);
      await page.click("#proof-form button[type=submit]");
      await page.waitForSelector("#proof-qr");
      expect(await page.textContent("#proof-result h3")).to.equal("Carta europea della disabilità");
      await axe("citizen-wallet-offer");
      await shoot("citizen-wallet-offer");
      // The demo wallet takes the offer's text (a phone's wallet would scan the QR code holding it).
      const offerText = await page.inputValue("#proof-token");
      expect(offerText).to.match(/^openid-credential-offer:\/\/\?credential_offer=/);
      const walletDir = mkdtempSync(join(tmpdir(), "pachain-browser-wallet-"));
      await initWallet({ dir: walletDir, clock: testClock });
      const stored = await acceptOffer({ dir: walletDir, offer: offerText, clock: testClock });
      expect(stored.claims).to.include({ card_valid: true });
      expect(JSON.stringify(stored.claims)).to.not.match(/percent|categor|CIVIL_INVALIDITY/i);

      const verifier = await context.newPage();
      verifier.on("pageerror", (error) => problems.push(error.message));
      const previous = page;
      page = verifier;
      /** The verifier asks for a card; the wallet presents it; the page shows the answer. */
      const presentAtVerifier = async () => {
        await verifier.goto(`${api.url}/verifica`);
        await verifier.click("#request-new");
        await verifier.waitForSelector("#request-qr");
        const request = await verifier.inputValue("#request-text");
        const presentation = await present({ dir: walletDir, request, clock: testClock });
        await verifier.fill("#proof-text", presentation);
        await verifier.click("#verify-form button[type=submit]");
        await verifier.waitForSelector(".verdict");
        return presentation;
      };
      const presentation = await presentAtVerifier();
      expect(await verifier.getAttribute(".verdict", "data-verdict")).to.equal("valid");
      expect(await verifier.textContent("#verdict-headline")).to.contain("Carta valida");
      expect(await verifier.textContent("#verdict-claims")).to.contain("Carta europea della disabilità: valida");
      await axe("verify-valid");
      await shoot("verify-valid");
      // The same presentation again: refused as a replay.
      await verifier.fill("#proof-text", presentation);
      await verifier.click("#verify-form button[type=submit]");
      await verifier.waitForSelector('.verdict[data-reason="REPLAYED"]');

      // The commission revokes the assessment from its page: a member signs, the oracle records it.
      page = previous;
      await signIn("commission", STAFF, commission.orgId);
      await page.click(`[data-revoke="${recordedAssessment}"]`);
      await page.selectOption("#revocation-reason", "CLERICAL_ERROR");
      await axe("commission-revocation-form");
      await page.click("#revocation-submit");
      await page.waitForSelector('[data-revocation="recorded"]', { timeout: 90_000 });
      await page.waitForSelector(`#assessment-list tr[data-assessment="${recordedAssessment}"] .badge.bad`);
      await axe("commission-revoked");
      await shoot("commission-revoked");
      const after = await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(cardholder), benefitId(CARD), today());
      expect(after.eligible, "the card after the revocation").to.equal(false);
      page = verifier;

      // The status list follows within a few blocks; then the verifier sees the card not valid.
      for (const deadline = Date.now() + 30_000; ;) {
        await presentAtVerifier();
        if ((await verifier.getAttribute(".verdict", "data-verdict")) === "not-valid") break;
        expect(Date.now(), "the card turns not valid").to.be.below(deadline);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(await verifier.textContent("#verdict-headline")).to.contain("Carta non valida");
      expect(await verifier.getAttribute(".verdict", "data-reason")).to.equal("REVOKED");
      await axe("verify-not-valid");
      await shoot("verify-not-valid");
      page = previous;
      // The person's history tells the revocation, with its reason in words.
      await signIn("citizen", cardholder);
      await page.waitForSelector("body[data-loaded=true]");
      expect(await page.textContent("#history li[data-kind=revocation]")).to.contain("errore materiale");
      await verifier.close();
    });

    it("an auditor follows a payment back to the decision, the assessment and the signed source records; sees payroll totals as a chart; exports CSV", async function () {
      await signIn("auditor", STAFF);
      await page.fill("#subject-code", citizen);
      await page.fill("#purpose", "Verifica a campione dei pagamenti 2026");
      await page.click("#search-form button[type=submit]");
      await page.waitForSelector("#timeline-region .timeline");
      // Keyboard: focus the first payment's trace button and press Enter.
      await page.focus("#timeline-region li[data-type=payment] button");
      await page.keyboard.press("Enter");
      await page.waitForSelector(".trace");
      const history = await apiGet(`/v1/subjects/${citizen}/history?purpose=browser%20test%20check`, "auditor", STAFF);
      const payment = history.items.find((i: any) => i.type === "payment");
      const decision = history.items.filter((i: any) => i.type === "decision" && i.benefit === payment.benefit && i.details.eligible)
        .filter((i: any) => i.place.block < payment.place.block || (i.place.block === payment.place.block && i.place.logIndex < payment.place.logIndex)).at(-1);
      const assessment = history.items.find((i: any) => i.kind === "assessment" && i.details.assessmentId === decision.details.assessmentId);
      const trace = (role: string) => page.textContent(`.trace [data-trace=${role}]`);
      expect(await trace("payment")).to.contain(payment.place.txHash);
      expect(await trace("decision")).to.contain(decision.place.txHash);
      const assessmentText = (await trace("assessment"))!;
      expect(assessmentText).to.contain(assessment.place.txHash);
      for (const signer of assessment.certifiedBy.signers) expect(assessmentText).to.contain(signer);
      expect(assessment.certifiedBy.signers.length).to.be.at.least(2);
      expect(await trace("civil")).to.match(/Comune di/);
      await axe("auditor-trace");
      await shoot("auditor-trace");

      await page.fill("#period", formatPeriod(period));
      await page.click("#totals-form button[type=submit]");
      await page.waitForSelector("#totals-region svg.chart");
      expect(await page.getAttribute("[data-reconciled]", "data-reconciled")).to.equal("true");
      const rows = await page.locator("#totals-region table:not(.stack) tbody tr").count();
      expect(await page.locator("#totals-region svg rect.bar").count()).to.equal(rows).and.to.be.greaterThan(0);
      // The trend of the months paid and the contracts' forecast of the next ones.
      await page.waitForSelector('#trend-chart g[data-series="total-actual"]');
      await page.waitForSelector('#trend-chart g[data-series="total-forecast"]');
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv-export")]);
      const csv = readFileSync((await download.path())!, "utf8");
      expect(csv.split("\r\n")[0]).to.equal("period,benefit,subject,amount_eur,municipality,block,tx_hash,log_index,time");
      const paidThisMonth = history.items.find((i: any) => i.type === "payment" && i.details.period === formatPeriod(period));
      expect(csv).to.contain(paidThisMonth.place.txHash);
      await axe("auditor");
      await shoot("auditor");

      // From a payment row to the person's history, without the fiscal code: the purpose is asked and logged.
      const rowButton = page.locator("#totals-region [data-payment]").first();
      const place = (await rowButton.getAttribute("data-payment"))!;
      await rowButton.click();
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).to.equal("purpose");
      await page.fill("#purpose", "Controllo a campione da un pagamento");
      await page.click("#search-form button[type=submit]");
      await page.waitForSelector(`#timeline-region li[data-place="${place}"] .trace`);
      expect(await page.textContent(".trace [data-trace=payment]")).to.contain(`blocco ${place.split("-")[0]}`);
      await axe("auditor-from-payment");
      await shoot("auditor-from-payment");

      // The person sees the auditor's read, with its purpose, and the checks of their proof.
      await signIn("citizen", citizen);
      await page.waitForSelector("body[data-loaded=true]");
      expect(await page.textContent("#access-log")).to.contain("Verifica a campione dei pagamenti 2026");
    });

    it("a patronato's desk has the kit's header and footer, passes axe and reads in plain Italian at both widths", async function () {
      await signIn("patronato", patronato.operator, patronato.id);
      expect(new URL(page.url()).pathname).to.equal("/patronato");
      await page.waitForSelector("body[data-loaded=true]");
      expect(await page.textContent(".it-header-slim-wrapper")).to.contain("INPS");
      expect(await page.getAttribute('.site-nav a[href="/patronato"]', "aria-current")).to.equal("page");
      expect(await page.locator(".it-footer-small-prints a").allTextContents()).to.deep.equal(["Note legali", "Privacy", "Dichiarazione di accessibilità"]);
      await axe("patronato");
      await shoot("patronato");
    });

    it("scores 100 for accessibility in Lighthouse on every page, signed in where the page needs it", async function () {
      // Lighthouse's logger clears every performance mark of the process (marky.clear()); the test
      // runner times itself with marks of its own, so they are put back afterwards.
      const marks = performance.getEntriesByType("mark") as PerformanceMark[];
      const restoreMarks = () => {
        const left = new Set(performance.getEntriesByType("mark").map((m) => m.name));
        for (const m of marks) if (!left.has(m.name)) performance.mark(m.name, { startTime: m.startTime, detail: m.detail });
      };
      const lhBrowser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
      try {
        const lhPage = await lhBrowser.newPage();
        lhPage.setDefaultTimeout(120_000);
        lhPage.setDefaultNavigationTimeout(120_000);
        // Accessibility only; generous timeouts, since the machine may be busy (the score does not depend on speed).
        const config = { extends: "lighthouse:default", settings: { onlyCategories: ["accessibility"], maxWaitForLoad: 120_000, maxWaitForFcp: 120_000 } };
        const scores: Record<string, number | null> = {};
        const failing = (lhr: any) => Object.entries(lhr.audits as Record<string, any>)
          .filter(([, a]) => a.score !== null && a.score < 1 && !["notApplicable", "manual", "informative"].includes(a.scoreDisplayMode)).map(([id]) => id);
        const problemsOf: Record<string, string[]> = {};
        for (const path of ["/", "/accedi", "/verifica", "/note-legali", "/privacy", "/accessibilita"]) {
          const result = (await navigation(lhPage as never, `${api.url}${path}`, { config } as never))!;
          scores[path] = result.lhr.categories.accessibility.score;
          problemsOf[path] = failing(result.lhr);
        }
        // Signed-in pages: sign in in the same tab (the session lives in sessionStorage), then a snapshot.
        const signedIn: Array<[string, string, string, number?]> = [
          ["citizen", "/cittadino", citizen], ["auditor", "/revisore", STAFF], ["commission", "/commissione", STAFF, commission.orgId],
          ["patronato", "/patronato", patronato.operator, patronato.id]];
        for (const [role, path, code, org] of signedIn) {
          await lhPage.goto(`${api.url}/accedi?ruolo=${role}`);
          await lhPage.click(`input[name=role][value=${role}]`);
          await lhPage.type("#fiscal-code", code);
          if (org !== undefined && role === "patronato") {
            await lhPage.waitForSelector(`#patronato option[value="${org}"]`);
            await lhPage.select("#patronato", String(org));
          } else if (org !== undefined) await lhPage.type("#organisation", String(org));
          await Promise.all([lhPage.waitForNavigation(), lhPage.click("#signin-form button[type=submit]")]);
          await lhPage.waitForFunction(() => (globalThis as any).document.querySelector("#assessment-list table, body[data-loaded=true], #trend-chart") !== null, { timeout: 60_000 });
          const result = (await snapshot(lhPage as never, { config } as never))!;
          scores[path] = result.lhr.categories.accessibility.score;
          problemsOf[path] = failing(result.lhr);
        }
        for (const [path, score] of Object.entries(scores)) expect(score, `${path}: ${problemsOf[path].join(", ")}`).to.equal(1);
      } finally {
        await lhBrowser.close();
        restoreMarks();
      }
    });
  });
}
