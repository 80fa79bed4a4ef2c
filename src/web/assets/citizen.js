// The citizen's page, in the order a person reads it: what I receive (granted benefits, the next
// payment), what I could claim, then the other benefits folded away with the requirement each one
// misses in words, with a "Richiedi" button on what could be claimed; a wallet offer of the
// European Disability Card as a QR code (OpenID4VCI); the payments, the history (dated by
// the day each fact speaks of) and who consulted the data. No block numbers or hashes here: they
// are on the auditor's page.
import {
  accordionItem, addMonths, api, benefits, currentMonth, dateTime, day, euro, focusRegion, h, month, onLanguage, requireSession, setUpPage, t, todayIso, tx,
} from "./common.js";
import { formatRange } from "./format.js";

// An IO message's call to action lands here (/cittadino?avviso=ID#richiedi): kept across the sign-in.
const landing = new URLSearchParams(location.search).get("avviso");
if (landing && /^\d{1,12}$/.test(landing)) sessionStorage.setItem("pachain.avviso", landing);
const me = requireSession("citizen");
setUpPage({ role: "citizen" });

const state = { entitlements: null, payments: null, history: null, access: null, proof: null, names: new Map(), open: new Set(), claimError: new Map() };
const el = (id) => document.getElementById(id);
const info = (code) => state.names.get(code);
const name = (code) => tx(info(code)?.name) || t("citizen.unknownBenefit");
const thirteenPayments = (code) => info(code)?.paymentsPerYear === 13;

/** Benefits a granting decision of INPS exists for (from the history): claimed and granted. */
function grantedByDecision() {
  const granted = new Set();
  for (const item of state.history?.items ?? []) {
    if (item.type === "decision" && item.details.eligible === true) granted.add(item.benefit);
    if (item.type === "payment") granted.add(item.benefit);
  }
  return granted;
}

/**
 * The assessment a "requirement not met" answer is about: the chain names none when no assessment
 * qualifies, so the person's own valid assessments (history, not revoked) are looked at, preferring
 * one of a category the benefit asks for, the latest first.
 */
function assessmentFor(e, terms) {
  if (e.assessment) return e.assessment;
  const items = state.history?.items ?? [];
  const revoked = new Set(items.filter((i) => i.kind === "revocation").map((i) => i.details.assessmentId));
  const today = todayIso();
  const valid = items
    .filter((i) => i.kind === "assessment" && !revoked.has(i.details.assessmentId) && String(i.details.effectiveDate ?? "") <= today)
    .map((i) => ({ category: i.details.category, percentage: i.details.percentage, effectiveDate: i.details.effectiveDate }))
    .sort((a, b) => (a.effectiveDate < b.effectiveDate ? 1 : -1));
  const wanted = new Set((terms?.alternatives ?? []).map((alt) => alt.category));
  return valid.find((a) => wanted.has(a.category)) ?? valid[0] ?? null;
}

/** Why a benefit is not granted, in words: the requirement it misses, from the API's reason and the catalog's terms. */
function whyNot(e) {
  const terms = info(e.benefit);
  const a = e.reason === "REQUIREMENT_NOT_MET" ? assessmentFor(e, terms) : e.assessment;
  if (e.reason === "REQUIREMENT_NOT_MET" && terms && a) {
    const sameCategory = terms.alternatives.filter((alt) => alt.category === a.category);
    if (sameCategory.length === 0) {
      const wanted = [...new Set(terms.alternatives.map((alt) => t(`category.${alt.category}`).toLowerCase()))].join(t("or"));
      return t("why.category", { have: t(`category.${a.category}`).toLowerCase(), want: wanted });
    }
    const inRange = sameCategory.filter((alt) => a.percentage >= alt.minPercentage && a.percentage <= alt.maxPercentage);
    if (inRange.length === 0) {
      const ranges = sameCategory.map((alt) => formatRange(alt.minPercentage, alt.maxPercentage)).join(t("or"));
      return t("why.percentage", { have: `${a.percentage}%`, want: ranges });
    }
    const flags = [...new Set(inRange.flatMap((alt) => alt.requiredFlags))].map((f) => t(`flag.${f}`).toLowerCase());
    if (flags.length) return t("why.flags", { flags: flags.join(t("and")) });
  }
  if (e.reason === "AGE_OUT_OF_RANGE" && terms) {
    const max = terms.maxAgeExclusive;
    if (max !== null && terms.minAge > 0) return t("why.ageBetween", { min: terms.minAge, max: max - 1 });
    if (max !== null) return t("why.ageBelow", { max });
    return t("why.ageFrom", { min: terms.minAge });
  }
  if (e.reason === "INCOME_ABOVE_LIMIT" && terms?.incomeLimits.length) {
    const year = Number(todayIso().slice(0, 4));
    const limit = [...terms.incomeLimits].reverse().find((l) => l.year <= year) ?? terms.incomeLimits.at(-1);
    return t("why.income", { limit: euro(limit.limitCents), year: limit.year });
  }
  return tx(e.explanation);
}

/** The review line: a passed review date does not stop the benefit, it waits for the new visit. */
function reviewLine(e) {
  if (!e.reviewDate) return [t("citizen.review"), t("citizen.noReview")];
  if (e.reviewDate < todayIso()) return [t("citizen.review"), t("citizen.reviewPassed")];
  return [t("citizen.review"), day(e.reviewDate)];
}

function card(e, group) {
  const granted = e.eligible;
  const rows = [];
  if (e.monetary && granted) rows.push([t("citizen.monthly"), euro(e.monthlyAmountCents)]);
  if (!e.monetary) rows.push([t("citizen.kind"), t("citizen.nonMonetary")]);
  if (granted) rows.push(reviewLine(e));
  if (granted && e.assessment?.commission) rows.push([t("citizen.assessedBy"), e.assessment.commission]);
  const badge = group === "receiving"
    ? h("span", { class: "badge ok" }, `✓ ${t("citizen.granted")}`)
    : group === "claimable" ? h("span", { class: "badge info" }, `➜ ${t("citizen.claimable")}`)
      : h("span", { class: "badge no" }, `✗ ${t("citizen.notGranted")}`);
  const explanation = granted
    ? (group === "claimable" ? t("citizen.claimable.text") : tx(e.explanation))
    : whyNot(e);
  return h("li", { "data-benefit": e.benefit, "data-status": granted ? "granted" : "not-granted", "data-group": group, "data-claim": e.claim?.status ?? null },
    h("div", { class: "card card-bg", "data-status": group === "claimable" ? "claimable" : granted ? "granted" : "not-granted" },
      h("div", { class: "card-body" },
        h("h3", { class: "card-title" }, name(e.benefit)),
        h("p", { class: "mb-1" }, badge),
        h("p", { class: "explanation card-text" }, explanation),
        rows.length ? h("dl", {}, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])) : null,
        // Room for the actions of a card (e.g. a claim), filled by other parts of the page.
        h("div", { class: "card-actions", "data-actions": e.benefit }, claimPart(e, group)))));
}

/** The next payment: the current month if not yet paid, else the next; December adds the thirteenth. */
function nextPayment(receiving) {
  const monetary = receiving.filter((e) => e.monetary && e.monthlyAmountCents > 0);
  if (monetary.length === 0) return null;
  const paid = new Set((state.payments?.payments ?? []).map((p) => p.period));
  const current = currentMonth();
  const period = paid.has(current) ? addMonths(current, 1) : current;
  const december = period.endsWith("-12");
  const amount = monetary.reduce((sum, e) => sum + e.monthlyAmountCents * (december && thirteenPayments(e.benefit) ? 2 : 1), 0);
  return { period, amount, monthly: monetary.reduce((s, e) => s + e.monthlyAmountCents, 0), thirteenth: december && monetary.some((e) => thirteenPayments(e.benefit)) };
}

function renderBenefits() {
  const box = el("benefits");
  if (!state.entitlements || !state.history) return;
  box.setAttribute("aria-busy", "false");
  el("benefits-date").textContent = t("citizen.benefits.date", { date: day(state.entitlements.date) });
  const decided = grantedByDecision();
  const all = state.entitlements.entitlements;
  // Received: granted by INPS (a decision on chain, or a claim granted through PA Chain); a
  // monetary benefit the rules back but nobody claimed is what the person could claim.
  const isReceived = (e) => e.eligible && (!e.monetary || decided.has(e.benefit) || e.claim?.status === "GRANTED");
  const receiving = all.filter(isReceived);
  const claimable = all.filter((e) => e.eligible && e.monetary && !isReceived(e));
  const others = all.filter((e) => !e.eligible);

  const next = nextPayment(receiving);
  const summary = h("div", { class: "summary" },
    h("div", { class: "card card-bg" }, h("div", { class: "card-body" },
      h("h3", { class: "card-title" }, t("citizen.summary.receiving")),
      h("p", { class: "lead-figure", "data-summary": "count" }, t(receiving.length === 0 ? "citizen.summary.count0" : receiving.length === 1 ? "citizen.summary.count1" : "citizen.summary.count", { count: receiving.length })),
      next ? h("p", { class: "card-text" }, t("citizen.summary.monthly", { amount: euro(next.monthly) })) : h("p", { class: "card-text" }, t("citizen.summary.noMoney")))),
    next ? h("div", { class: "card card-bg", "data-next-payment": next.period }, h("div", { class: "card-body" },
      h("h3", { class: "card-title" }, t("citizen.next")),
      h("p", { class: "lead-figure" }, euro(next.amount)),
      h("p", { class: "card-text" }, t("citizen.next.when", { month: month(next.period) })),
      next.thirteenth ? h("p", { class: "note", "data-thirteenth": "true" }, t("citizen.thirteenth")) : null)) : null);

  const othersList = h("ul", { class: "cards" }, others.map((e) => card(e, "other")));
  box.replaceChildren(...[
    summary,
    h("h3", { id: "receiving-heading", class: "h4" }, t("citizen.receiving")),
    receiving.length ? h("ul", { class: "cards", "aria-labelledby": "receiving-heading" }, receiving.map((e) => card(e, "receiving"))) : h("p", { class: "muted" }, t("citizen.receiving.none")),
    claimable.length ? h("h3", { id: "claimable-heading", class: "h4" }, t("citizen.claimableHeading")) : null,
    claimable.length ? h("p", {}, t("citizen.claimable.intro")) : null,
    claimable.length ? h("ul", { class: "cards", "aria-labelledby": "claimable-heading" }, claimable.map((e) => card(e, "claimable"))) : null,
    others.length ? h("div", { class: "accordion" }, accordionItem({
      id: "other-benefits", heading: t("citizen.others", { count: others.length }), content: othersList, open: state.open.has("other-benefits"),
    })) : null,
  ].filter(Boolean));
  for (const button of box.querySelectorAll(".accordion-button")) {
    button.addEventListener("click", () => {
      const id = button.getAttribute("aria-controls");
      if (button.getAttribute("aria-expanded") === "true") state.open.add(id);
      else state.open.delete(id);
    });
  }
  const select = el("proof-benefit");
  const chosen = select.value;
  const provable = all.filter((e) => e.eligible);
  select.replaceChildren(...(provable.length
    ? provable.map((e) => h("option", { value: e.benefit, selected: e.benefit === chosen }, e.benefit === "EU_DISABILITY_CARD" ? t("citizen.proof.card") : name(e.benefit)))
    : [h("option", { value: "" }, t("citizen.proof.nothing"))]));
}

/**
 * The claim of an entitled benefit: "Richiedi" when never claimed (or refused), else where it
 * stands. A monetary benefit INPS already granted (a decision or a payment on chain) is received:
 * nothing to claim.
 */
function claimPart(e, group) {
  const status = e.claim?.status;
  if (group === "receiving" && e.monetary && (status ?? "NOT_CLAIMED") === "NOT_CLAIMED") return null;
  const error = state.claimError.get(e.benefit);
  if (status === "PENDING") return h("p", { class: "claim", role: "status" }, h("span", { class: "badge warn" }, `⏳ ${t("citizen.claim.pending")}`));
  if (status === "GRANTED") return h("p", { class: "claim" }, h("span", { class: "badge ok" }, `✓ ${t("citizen.claim.granted")}`));
  if (!e.eligible) return status === "REFUSED" ? h("p", { class: "claim" }, h("span", { class: "badge no" }, `✗ ${t("citizen.claim.refused")}`)) : null;
  const button = h("button", { type: "button", "data-claim-benefit": e.benefit }, t("citizen.claim.button"));
  button.addEventListener("click", () => claim(e.benefit, button));
  return h("div", { class: "claim" },
    h("p", {}, t(status === "REFUSED" ? "citizen.claim.again" : "citizen.claim.unclaimed")),
    button,
    error ? h("p", { class: "error", role: "alert" }, error) : null);
}

/** One click: files the claim, then follows it until INPS's decision is on chain. */
async function claim(benefit, button) {
  button.disabled = true;
  state.claimError.delete(benefit);
  try {
    const filed = await api("/v1/me/applications", { method: "POST", role: "citizen", body: { benefit } });
    await refreshEntitlements();
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      const application = await api(`/v1/me/applications/${filed.id}`, { role: "citizen" });
      if (application.status !== "PENDING") break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } catch (e) {
    state.claimError.set(benefit, e.message);
  }
  await refreshEntitlements();
  document.querySelector(`[data-benefit="${benefit}"] .claim`)?.focus?.();
}

async function refreshEntitlements() {
  state.entitlements = await api("/v1/me/entitlements", { role: "citizen" });
  renderBenefits();
}

/** The benefit of the notice whose call to action brought the person here: its card is shown and its button focused. */
async function showLanding() {
  const id = sessionStorage.getItem("pachain.avviso");
  if (!id) return;
  sessionStorage.removeItem("pachain.avviso");
  const { notices } = await api("/v1/me/notices?limit=1000", { role: "citizen" });
  const benefit = notices.find((n) => String(n.id) === id)?.benefit;
  const card = benefit && document.querySelector(`[data-benefit="${benefit}"]`);
  if (!card) return;
  card.classList.add("landing");
  card.scrollIntoView({ block: "center" });
  card.querySelector("[data-claim-benefit]")?.focus();
}

/** A table that reads as "label: value" lines on a phone (the kit's responsive table on a desktop). */
function stackedTable({ caption, label, columns, rows }) {
  return h("div", { class: "table-responsive", tabindex: "0", role: "region", "aria-label": label },
    h("table", { class: "table stack" },
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : null }, c.label)))),
      h("tbody", {}, rows.map((r) => h("tr", r.attrs ?? {}, r.cells.map((cell, i) => h("td", { "data-label": columns[i].label, class: columns[i].num ? "num" : null }, cell)))))));
}

function renderPayments() {
  if (!state.payments) return;
  const rows = state.payments.payments;
  const total = rows.reduce((sum, p) => sum + (p.amountCents ?? 0), 0);
  el("payments").replaceChildren(...(rows.length === 0
    ? [h("p", { class: "muted" }, t("citizen.payments.none"))]
    : [
      h("p", {}, t("citizen.payments.total", { count: rows.length, total: euro(total) })),
      stackedTable({
        caption: t("citizen.payments.caption"), label: t("citizen.payments.table"),
        columns: [{ label: t("col.month") }, { label: t("col.benefit") }, { label: t("col.amount"), num: true }],
        rows: [...rows].reverse().map((p) => ({
          attrs: { "data-period": p.period },
          cells: [month(p.period) + (p.period.endsWith("-12") && thirteenPayments(p.benefit) ? ` ${t("citizen.payments.withThirteenth")}` : ""), name(p.benefit), euro(p.amountCents)],
        })),
      }),
    ]));
}

/** The date an item speaks of: a day, a month (a payment) or a year (an income). */
const aboutText = (about) => (about.length === 4 ? t("citizen.history.year", { year: about }) : about.length === 7 ? month(about) : day(about));

function renderHistory() {
  if (!state.history) return;
  const items = [...state.history.items].sort((a, b) => (a.about < b.about ? 1 : a.about > b.about ? -1 : 0));
  el("history").replaceChildren(...(items.length === 0
    ? [h("li", {}, t("citizen.history.none"))]
    : items.map((i) => h("li", { "data-kind": i.kind },
      h("span", { class: "when" }, aboutText(i.about)),
      h("span", {}, tx(i.text)),
      h("span", { class: "recorded" }, t("citizen.history.recorded", { date: day(i.place.time) }))))));
}

function renderAccess() {
  if (!state.access) return;
  // Staff reads, then each verified proof once with its count (the API lists them apart).
  const entries = [...state.access.entries, ...(state.access.verifications ?? []).map((v) => ({
    at: v.lastAt, role: "verifier", actor: "public", purpose: `${v.benefit}: ${v.lastVerdict} (× ${v.count})`,
  }))];
  el("access-log").replaceChildren(entries.length === 0
    ? h("p", { class: "muted" }, t("citizen.access.none"))
    : stackedTable({
      label: t("citizen.access.table"),
      columns: [{ label: t("col.when") }, { label: t("col.who") }, { label: t("col.purpose") }],
      // Who: the role, and the person acting (an auditor's or a patronato operator's identity).
      rows: entries.map((e) => ({ cells: [dateTime(e.at), `${t(`role.${e.role}`)}${e.actor === "public" ? "" : ` (${e.actor})`}`, e.purpose] })),
    }));
}

/** The credential offer: a QR code the wallet scans, and its text for the demo wallet. */
function renderProof() {
  const box = el("proof-result");
  const p = state.proof;
  if (!p) return;
  box.classList.remove("hidden");
  const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(p.qrSvg)}`;
  const statement = p.benefit === "EU_DISABILITY_CARD" ? t("citizen.proof.card") : name(p.benefit);
  const text = h("textarea", { id: "proof-token", readonly: true, rows: "4", "aria-describedby": "proof-token-hint" }, p.offerUri);
  const copy = h("button", { type: "button", class: "secondary" }, t("citizen.proof.copy"));
  copy.addEventListener("click", async () => {
    await navigator.clipboard?.writeText(p.offerUri).catch(() => undefined);
    text.select();
    copy.textContent = t("citizen.proof.copied");
  });
  box.replaceChildren(h("div", { class: "proof", "data-proof": "offered" },
    h("img", { id: "proof-qr", src: qr, alt: t("citizen.proof.qrAlt", { statement }), width: "320", height: "320" }),
    h("div", {},
      h("h3", {}, statement),
      h("p", {}, t("citizen.proof.validUntil", { date: dateTime(p.expiresAt) })),
      h("p", { class: "muted" }, t("citizen.proof.reveals")),
      h("label", { for: "proof-token" }, t("citizen.proof.text")),
      h("span", { class: "hint", id: "proof-token-hint" }, t("citizen.proof.text.hint")),
      text,
      h("p", { class: "row-actions mt-3" }, copy, h("a", { class: "button secondary", href: "/verifica" }, t("citizen.proof.verifyLink"))),
    )));
}

onLanguage(() => {
  if (me) el("citizen-who").textContent = t("citizen.who", { code: me.fiscalCode });
  renderBenefits();
  renderPayments();
  renderHistory();
  renderAccess();
  renderProof();
});

el("proof-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = el("proof-error");
  error.textContent = "";
  const benefit = el("proof-benefit").value;
  if (!benefit) {
    error.textContent = t("citizen.proof.nothing");
    return;
  }
  try {
    state.proof = await api("/v1/me/credential-offers", { method: "POST", role: "citizen", body: { benefit } });
    renderProof();
    focusRegion(el("proof-result"));
  } catch (e) {
    error.textContent = e.status === 409 ? t("citizen.proof.refused") : e.message;
  }
});

async function load() {
  try {
    state.names = await benefits();
    const [entitlements, payments, history, access] = await Promise.all([
      api("/v1/me/entitlements", { role: "citizen" }),
      api("/v1/me/payments?limit=1000", { role: "citizen" }),
      api("/v1/me/history", { role: "citizen" }),
      api("/v1/me/access-log", { role: "citizen" }),
    ]);
    Object.assign(state, { entitlements, payments, history, access });
    renderBenefits();
    renderPayments();
    renderHistory();
    renderAccess();
    await showLanding().catch(() => {});
    document.body.dataset.loaded = "true";
  } catch (e) {
    el("citizen-error").textContent = t("error.load", { message: e.message });
  }
}
if (me) load();
