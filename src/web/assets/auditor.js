// The auditor's page: a person's timeline read with a stated purpose (logged, and shown to the
// person), each payment traced back to the decision, the assessment and the signed source
// records behind it; payroll totals per month as a chart with a table beside it; CSV export.
import { api, benefits, currentMonth, dateTime, euro, focusRegion, h, onLanguage, requireSession, setUpPage, shortHash, t, tx } from "./common.js";

const me = requireSession("auditor");
setUpPage({ role: "auditor" });
const el = (id) => document.getElementById(id);
const state = { history: null, openTrace: null, totals: null, names: new Map() };
const name = (code) => tx(state.names.get(code)?.name) || code;
el("period").value = currentMonth();

/** One signed record: what it says, who certified and signed it, where it sits on chain. */
function record(item, role) {
  const rows = [[t("trace.place"), `${t("col.block")} ${item.place.block} · tx ${item.place.txHash}`], [t("trace.time"), dateTime(item.place.time)]];
  if (item.certifiedBy) {
    rows.push([t("trace.certifiedBy"), item.certifiedBy.name ?? String(item.certifiedBy.orgId ?? "—")]);
    rows.push([t("trace.signers"), item.certifiedBy.signers.join(", ")]);
  }
  if (item.signedAt) rows.push([t("trace.signedAt"), dateTime(item.signedAt)]);
  if (item.details.reportHash) rows.push([t("trace.reportHash"), String(item.details.reportHash)]);
  return h("li", { "data-trace": role },
    h("strong", {}, t(`trace.${role}`)), " ", h("span", {}, tx(item.text)),
    h("dl", { class: "mono" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])));
}

/** The records behind a payment, from the same timeline (chain order): decision → assessment → civil record, income. */
function traceOf(items, index) {
  const payment = items[index];
  const before = items.slice(0, index);
  const lastOf = (test) => [...before].reverse().find(test);
  const decision = lastOf((i) => i.type === "decision" && i.benefit === payment.benefit && i.details.eligible === true);
  const assessmentId = decision?.details.assessmentId;
  const assessment = assessmentId ? items.find((i) => i.kind === "assessment" && i.details.assessmentId === assessmentId) : undefined;
  const revocation = assessmentId ? items.find((i) => i.kind === "revocation" && i.details.assessmentId === assessmentId) : undefined;
  const civil = lastOf((i) => i.kind === "civil");
  const income = lastOf((i) => i.kind === "income");
  return [
    record(payment, "payment"),
    decision ? record(decision, "decision") : h("li", {}, t("trace.noDecision")),
    assessment ? record(assessment, "assessment") : null,
    revocation ? record(revocation, "revocation") : null,
    civil ? record(civil, "civil") : null,
    income ? record(income, "income") : null,
  ];
}

function renderTimeline() {
  const region = el("timeline-region");
  const history = state.history;
  if (!history) return;
  const items = history.items;
  region.replaceChildren(
    h("h3", { id: "timeline-heading" }, t("auditor.timeline", { count: items.length })),
    h("p", { class: "mono" }, `${t("auditor.subject")}: ${history.subject}`),
    items.length === 0 ? h("p", { class: "muted" }, t("auditor.timeline.none")) : h("ol", { class: "timeline", "aria-labelledby": "timeline-heading" }, items.map((item, index) => {
      const li = h("li", { "data-type": item.type, "data-kind": item.kind },
        h("time", { datetime: item.place.time }, `${dateTime(item.place.time)} · ${t("col.block")} ${item.place.block} · ${shortHash(item.place.txHash)}`),
        h("span", {}, tx(item.text)));
      if (item.type === "payment") {
        const open = state.openTrace === index;
        const panelId = `trace-${index}`;
        const button = h("button", { type: "button", class: "secondary", "aria-expanded": String(open), "aria-controls": panelId, "data-trace-button": String(index) },
          open ? t("auditor.trace.hide") : t("auditor.trace.show"));
        button.addEventListener("click", () => {
          state.openTrace = open ? null : index;
          renderTimeline();
          const again = document.querySelector(`[data-trace-button="${index}"]`);
          again?.focus();
        });
        li.append(h("div", {}, button));
        if (open) li.append(h("div", { class: "trace", id: panelId }, h("p", {}, t("auditor.trace.intro")), h("ol", {}, traceOf(items, index))));
      }
      return li;
    })),
  );
}

function renderTotals() {
  const region = el("totals-region");
  const answer = state.totals;
  if (!answer) return;
  const rows = answer.totals;
  const max = Math.max(1, ...rows.map((r) => r.onChain.amountCents));
  const barHeight = 28;
  const labelWidth = 330;
  const width = 760;
  const chart = h("svg", { class: "chart", viewBox: `0 0 ${width} ${rows.length * (barHeight + 10) + 10}`, role: "img", "aria-labelledby": "chart-title" },
    h("title", { id: "chart-title" }, t("auditor.chart.title", { period: answer.period })),
    rows.map((r, i) => {
      const y = 10 + i * (barHeight + 10);
      const w = Math.max(1, Math.round(((width - labelWidth - 110) * r.onChain.amountCents) / max));
      return h("g", {},
        h("text", { x: "0", y: String(y + barHeight * 0.68) }, name(r.benefit).slice(0, 48)),
        h("rect", { class: "bar", x: String(labelWidth), y: String(y), width: String(w), height: String(barHeight) }),
        h("text", { x: String(labelWidth + w + 6), y: String(y + barHeight * 0.68) }, euro(r.onChain.amountCents)));
    }));
  region.replaceChildren(
    h("p", {}, h("span", { class: `badge ${answer.reconciled ? "ok" : "bad"}`, "data-reconciled": String(answer.reconciled) },
      answer.reconciled ? `✓ ${t("auditor.reconciled")}` : `✗ ${t("auditor.notReconciled")}`)),
    chart,
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("auditor.totals.table") },
      h("table", {},
        h("caption", {}, t("auditor.chart.title", { period: answer.period })),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("col.benefit")), h("th", { scope: "col", class: "num" }, t("col.payments")),
          h("th", { scope: "col", class: "num" }, t("col.onChain")), h("th", { scope: "col", class: "num" }, t("col.indexed")), h("th", { scope: "col" }, t("col.reconciled")))),
        h("tbody", {}, rows.map((r) => h("tr", { "data-benefit": r.benefit },
          h("td", {}, name(r.benefit)), h("td", { class: "num" }, String(r.onChain.payments)), h("td", { class: "num" }, euro(r.onChain.amountCents)),
          h("td", { class: "num" }, euro(r.indexed.amountCents)), h("td", {}, r.reconciled ? `✓ ${t("yes")}` : `✗ ${t("no")}`)))))));
}

onLanguage(() => {
  if (me) el("auditor-who").textContent = t("auditor.who", { code: me.fiscalCode });
  renderTimeline();
  renderTotals();
});

el("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = el("search-error");
  error.textContent = "";
  const form = event.target;
  const code = form.elements.fiscalCode.value.trim().toUpperCase();
  const purpose = form.elements.purpose.value.trim();
  const asOf = form.elements.asOf.value;
  for (const input of [form.elements.fiscalCode, form.elements.purpose]) input.removeAttribute("aria-invalid");
  if (code.length !== 16) {
    error.textContent = t("auditor.error.fiscalCode");
    form.elements.fiscalCode.setAttribute("aria-invalid", "true");
    form.elements.fiscalCode.focus();
    return;
  }
  if (purpose.length < 5) {
    error.textContent = t("auditor.error.purpose");
    form.elements.purpose.setAttribute("aria-invalid", "true");
    form.elements.purpose.focus();
    return;
  }
  const query = new URLSearchParams({ purpose });
  if (asOf) query.set("asOf", asOf);
  try {
    state.names = await benefits();
    state.history = await api(`/v1/subjects/${encodeURIComponent(code)}/history?${query}`, { role: "auditor" });
    state.openTrace = null;
    renderTimeline();
    focusRegion(el("timeline-region"));
  } catch (e) {
    error.textContent = e.message;
    if (e.field && form.elements[e.field]) form.elements[e.field].focus();
  }
});

el("totals-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = el("totals-error");
  error.textContent = "";
  const period = el("period").value;
  try {
    state.names = await benefits();
    state.totals = { ...(await api(`/v1/payroll/totals?period=${encodeURIComponent(period)}`, { role: "auditor" })), period };
    renderTotals();
  } catch (e) {
    error.textContent = e.message;
  }
});

el("csv-export").addEventListener("click", async () => {
  const error = el("totals-error");
  error.textContent = "";
  const period = el("period").value;
  try {
    const response = await api(`/v1/payments?period=${encodeURIComponent(period)}&limit=100000&format=csv`, { role: "auditor", raw: true });
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: `pa-chain-payments-${period}.csv`, class: "hidden" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    error.textContent = e.message;
  }
});
