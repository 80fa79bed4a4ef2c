import { expect } from "chai";
import { MARKDOWN_LENGTH, SUBJECT_LENGTH, languageOf, render } from "../../src/notifier/messages.ts";
import type { NoticeKind } from "../../src/notifier/store.ts";

const KINDS: Array<[NoticeKind, Record<string, unknown>]> = [
  ["ENTITLED_UNCLAIMED", { monetary: true }],
  ["CLAIM_GRANTED", { monetary: true, date: 20261201, reason: "ELIGIBLE", monthlyAmountCents: 55153 }],
  ["CLAIM_REFUSED", { monetary: false, date: 20261201, reason: "INCOME_ABOVE_LIMIT" }],
  ["PAYMENT_MADE", { monetary: true, period: 202612, amountCents: 68142, thirteenth: true }],
  ["BENEFIT_STOPPED", { monetary: true, reason: "HOSPITALISED" }],
  ["REVIEW_SOON", { reviewDate: 20270115 }],
  ["AGE_LIMIT_SOON", { monetary: true, from: 20270201 }],
  ["HOSPITAL_SUSPENSION_SOON", { monetary: true, from: 20261220 }],
  ["INCOME_NEAR_LIMIT", { monetary: true, year: 2025 }],
];
const SENSITIVE = /%|percent|invalid|cieco|ciech|blind|sord|deaf|handicap|categor|diagnos|\b104\b/i;

describe("notifier: IO message texts", function () {
  for (const language of ["it", "en"] as const) {
    it(`every kind in ${language} fits IO's limits and names no percentage, category or diagnosis`, function () {
      for (const [kind, params] of KINDS) {
        const content = render({ id: 7, kind, params }, language, "http://127.0.0.1:3000/cittadino");
        expect(content.subject.length, kind).to.be.within(SUBJECT_LENGTH.min, SUBJECT_LENGTH.max);
        expect(content.markdown.length, kind).to.be.within(MARKDOWN_LENGTH.min, MARKDOWN_LENGTH.max);
        expect(`${content.subject} ${content.markdown}`, kind).to.not.match(SENSITIVE);
      }
    });
  }

  it("puts a call to action opening the claim page in IO's front matter of an 'entitled' notice only", function () {
    const entitled = render({ id: 42, kind: "ENTITLED_UNCLAIMED", params: { monetary: true } }, "it", "http://127.0.0.1:3000/cittadino");
    expect(entitled.markdown).to.match(/^---\nit:\n {4}cta_1:\n {8}text: "Richiedi"\n {8}action: "iohandledlink:\/\/http:\/\/127\.0\.0\.1:3000\/cittadino\?avviso=42#richiedi"\nen:/);
    expect(render({ id: 43, kind: "PAYMENT_MADE", params: { period: 202611, amountCents: 100 } }, "it", "http://x.invalid/").markdown).to.not.contain("cta_1");
  });

  it("mentions the tredicesima in December and speaks English when IO's profile says so", function () {
    expect(render({ id: 1, kind: "PAYMENT_MADE", params: { monetary: true, period: 202612, amountCents: 68142, thirteenth: true } }, "it", "http://x.invalid/").markdown).to.contain("tredicesima");
    expect(languageOf(["en_GB", "it_IT"])).to.equal("en");
    expect(languageOf(["it_IT"])).to.equal("it");
    expect(languageOf([])).to.equal("it");
  });
});
