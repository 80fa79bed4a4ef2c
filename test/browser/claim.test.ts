// Browser test of the IO call to action: a new assessment makes the notifier send an IO message;
// the citizen follows the message's call to action (signing in on the way), presses "Richiedi" on
// the benefit it points at and sees the claim granted, decided on chain. Debian's Chromium driven
// by playwright-core over a real node, oracle, indexer, IO simulator and notifier (test/notifier/
// harness.ts). Run by `npm run test:browser` (PACHAIN_BROWSER_TESTS=1).
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT } from "../oracle/harness.ts";
import { onIo, startNotifierSystem, waitFor, type NotifierSystem } from "../notifier/harness.ts";

const CHROMIUM = process.env.PACHAIN_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, "test-results", "screenshots");
const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

if (process.env.PACHAIN_BROWSER_TESTS === "1") {
  describe("IO call to action in Chromium: from the message to a granted claim", function () {
    this.timeout(300_000);
    let sys: NotifierSystem;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];

    before(async function () {
      mkdirSync(SHOTS, { recursive: true });
      sys = await startNotifierSystem({ size: 60, seed: 7 });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
      });
      page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "it-IT", timezoneId: "Europe/Rome" })).newPage();
      // Playwright waits 30 s by default; a loaded machine (CI on 2 cores) needs more to stay free of timing flakes.
      page.setDefaultTimeout(90_000);
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`${message.text()} (${message.location().url})`);
      });
      page.on("pageerror", (error) => problems.push(error.message));
    });

    after(async function () {
      await browser?.close();
      await sys?.close();
    });

    it("follows the IO message's call to action, presses Richiedi and sees the claim granted", async function () {
      const person = sys.candidates.find(onIo)!;
      expect(person, "a person on IO without an assessment").to.be.a("string");
      await sys.recordAssessment("BROWSER-CTA-1", person);
      const message = await waitFor("the IO message with a call to action", async () =>
        (await sys.inbox(person)).find((m) => m.content.markdown.includes("cta_1")));
      const link = /action: "iohandledlink:\/\/([^"]+)"/.exec(message.content.markdown)![1]!;
      expect(link).to.match(/\/cittadino\?avviso=\d+#richiedi$/);
      // The benefit this notice is about (the message itself does not name it).
      const token = await sys.token("citizen", person);
      const me = async (path: string) => (await fetch(`${sys.demo.api.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
      const noticeId = Number(/avviso=(\d+)/.exec(link)![1]);
      const benefit = (await me("/v1/me/notices")).notices.find((n: any) => n.id === noticeId).benefit as string;

      // The app opens the link: no session yet, so the sign-in comes first and leads back.
      await page.goto(link);
      await page.waitForURL(/\/accedi\?ruolo=citizen/);
      await page.locator("input[name=role][value=citizen]").check();
      await page.fill("#fiscal-code", person);
      await Promise.all([page.waitForURL((url) => url.pathname === "/cittadino"), page.click("#signin-form button[type=submit]")]);
      await page.waitForSelector("body[data-loaded=true]");

      // The benefit the notice is about is shown and its Richiedi button has the focus.
      const card = page.locator(`#benefits li.landing[data-benefit="${benefit}"]`);
      await card.waitFor();
      const button = card.locator("button[data-claim-benefit]");
      expect(await button.textContent()).to.equal("Richiedi");
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.dataset?.claimBenefit)).to.equal(benefit);
      await page.evaluate(AXE);
      const serious = await page.evaluate(async () => {
        const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ["violations"] });
        return result.violations.filter((v: any) => v.impact === "serious" || v.impact === "critical").map((v: any) => v.id);
      });
      expect(serious, "axe-core violations").to.deep.equal([]);
      await page.screenshot({ path: join(SHOTS, "citizen-claim-landing-phone.png"), fullPage: true });

      await button.click();
      await page.locator(`#benefits li[data-benefit="${benefit}"][data-claim="GRANTED"]`).waitFor({ timeout: 120_000 });
      expect(await page.locator(`#benefits li[data-benefit="${benefit}"] .claim`).innerText()).to.contain("Domanda accolta");
      await page.screenshot({ path: join(SHOTS, "citizen-claim-granted-phone.png"), fullPage: true });

      // On chain: the decision of that claim.
      const { applications } = await me("/v1/me/applications");
      const granted = applications.find((a: any) => a.benefit === benefit);
      expect(granted).to.deep.include({ status: "GRANTED" });
      expect((await sys.demo.system.provider.getTransactionReceipt(granted.decision.txHash))!.blockNumber).to.equal(granted.decision.block);
      expect(problems, "errors in the browser console").to.deep.equal([]);
    });
  });
}
