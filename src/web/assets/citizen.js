// The citizen's page: each benefit as a clear status computed on chain (granted or not and why,
// monthly amount, next review), a signed proof of status as a QR code, the payments received,
// the history in plain words and who consulted the data.
import { api, benefits, day, dateTime, euro, focusRegion, h, month, onLanguage, requireSession, setUpPage, shortHash, t, tx } from "./common.js";

const me = requireSession("citizen");
setUpPage({ role: "citizen" });

const state = { entitlements: null, payments: null, history: null, access: null, proof: null, names: new Map() };
const el = (id) => document.getElementById(id);
const name = (code) => tx(state.names.get(code)?.name) || code;

function renderBenefits() {
  const list = el("benefits");
  if (!state.entitlements) return;
  list.setAttribute("aria-busy", "false");
  el("benefits-date").textContent = t("citizen.benefits.date", { date: day(state.entitlements.date) });
  // Granted first: what the person has matters most.
  const sorted = [...state.entitlements.entitlements].sort((a, b) => Number(b.eligible) - Number(a.eligible));
  list.replaceChildren(...sorted.map((e) => {
    const granted = e.eligible;
    const rows = [];
    if (e.monetary && granted) rows.push([t("citizen.monthly"), euro(e.monthlyAmountCents)]);
    if (!e.monetary) rows.push([t("citizen.kind"), t("citizen.nonMonetary")]);
    if (granted) rows.push([t("citizen.review"), e.reviewDate ? day(e.reviewDate) : t("citizen.noReview")]);
    if (e.assessment) rows.push([t("citizen.assessedBy"), e.assessment.commission ?? "—"]);
    return h("li", { class: "card", "data-benefit": e.benefit, "data-status": granted ? "granted" : "not-granted" },
      h("h3", {}, name(e.benefit)),
      h("p", {}, h("span", { class: `badge ${granted ? "ok" : "no"}` }, granted ? `✓ ${t("citizen.granted")}` : `✗ ${t("citizen.notGranted")}`)),
      h("p", { class: "explanation" }, tx(e.explanation)),
      rows.length ? h("dl", {}, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])) : null,
    );
  }));
  const select = el("proof-benefit");
  const chosen = select.value;
  const granted = sorted.filter((e) => e.eligible);
  select.replaceChildren(...(granted.length
    ? granted.map((e) => h("option", { value: e.benefit, selected: e.benefit === chosen }, e.benefit === "EU_DISABILITY_CARD" ? t("citizen.proof.card") : name(e.benefit)))
    : [h("option", { value: "" }, t("citizen.proof.nothing"))]));
}

function renderPayments() {
  if (!state.payments) return;
  const rows = state.payments.payments;
  el("payments").replaceChildren(rows.length === 0
    ? h("p", { class: "muted" }, t("citizen.payments.none"))
    : h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "payments-heading" },
      h("table", {},
        h("caption", {}, t("citizen.payments.caption", { count: rows.length })),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("col.month")), h("th", { scope: "col" }, t("col.benefit")), h("th", { scope: "col", class: "num" }, t("col.amount")), h("th", { scope: "col" }, t("col.receipt")))),
        h("tbody", {}, [...rows].reverse().map((p) => h("tr", { "data-period": p.period },
          h("td", {}, month(p.period)), h("td", {}, name(p.benefit)), h("td", { class: "num" }, euro(p.amountCents)),
          h("td", { class: "mono", title: p.place.txHash }, `${t("col.block")} ${p.place.block} · ${shortHash(p.place.txHash)}`)))))));
}

function renderHistory() {
  if (!state.history) return;
  const items = [...state.history.items].reverse();
  el("history").replaceChildren(...(items.length === 0
    ? [h("li", {}, t("citizen.history.none"))]
    : items.map((i) => h("li", { "data-kind": i.kind }, h("time", { datetime: i.place.time }, dateTime(i.place.time)), h("span", {}, tx(i.text))))));
}

function renderAccess() {
  if (!state.access) return;
  // Staff reads, then each verified proof once with its count (the API lists them apart).
  const entries = [...state.access.entries, ...(state.access.verifications ?? []).map((v) => ({
    at: v.lastAt, role: "verifier", actor: "public", purpose: `${v.benefit}: ${v.lastVerdict} (× ${v.count})`,
  }))];
  el("access-log").replaceChildren(entries.length === 0
    ? h("p", { class: "muted" }, t("citizen.access.none"))
    : h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "access-heading" },
      h("table", {},
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("col.when")), h("th", { scope: "col" }, t("col.who")), h("th", { scope: "col" }, t("col.purpose")))),
        h("tbody", {}, entries.map((e) => h("tr", {},
          h("td", {}, dateTime(e.at)), h("td", {}, `${t(`role.${e.role}`)}${e.actor === "public" ? "" : ` (${e.actor})`}`), h("td", {}, e.purpose)))))));
}

function renderProof() {
  const box = el("proof-result");
  const p = state.proof;
  if (!p) return;
  box.classList.remove("hidden");
  const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(p.qrSvg)}`;
  const text = h("textarea", { id: "proof-token", readonly: true, rows: "4", "aria-describedby": "proof-token-hint" }, p.proof);
  const copy = h("button", { type: "button", class: "secondary" }, t("citizen.proof.copy"));
  copy.addEventListener("click", async () => {
    await navigator.clipboard?.writeText(p.proof).catch(() => undefined);
    text.select();
    copy.textContent = t("citizen.proof.copied");
  });
  box.replaceChildren(h("div", { class: "proof", "data-proof": "issued" },
    h("img", { id: "proof-qr", src: qr, alt: t("citizen.proof.qrAlt", { statement: tx(p.claim.statement) }), width: "320", height: "320" }),
    h("div", {},
      h("h3", {}, tx(p.claim.statement)),
      h("p", {}, t("citizen.proof.validUntil", { date: dateTime(p.validUntil) })),
      h("p", { class: "muted" }, t("citizen.proof.reveals")),
      h("label", { for: "proof-token" }, t("citizen.proof.text")),
      h("span", { class: "hint", id: "proof-token-hint" }, t("citizen.proof.text.hint")),
      text,
      h("p", { class: "row" }, copy, h("a", { class: "button secondary", href: "/verifica" }, t("citizen.proof.verifyLink"))),
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
  const monthValue = el("proof-month").value;
  if (!benefit) {
    error.textContent = t("citizen.proof.nothing");
    return;
  }
  try {
    state.proof = await api("/v1/me/proofs", { method: "POST", role: "citizen", body: monthValue ? { benefit, month: monthValue } : { benefit } });
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
    document.body.dataset.loaded = "true";
  } catch (e) {
    el("citizen-error").textContent = t("error.load", { message: e.message });
  }
}
if (me) load();
