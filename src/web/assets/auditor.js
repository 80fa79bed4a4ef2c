// The auditor's page: payroll totals over the months with the contracts' forecast of the next 12
// (a chart drawn at the width it is shown, so it reads on a phone, with a table beside it); a
// month's totals reconciled with the chain, its payments and CSV export; a person's timeline read
// with a stated purpose (logged, and shown to the person), reached from a payment row without
// knowing the fiscal code, or by fiscal code; each payment traced back to the decision, the
// assessment and the signed source records behind it. Hashes and blocks belong here.
import {
  accordionItem, addMonths, api, benefits, currentMonth, dateTime, day, euro, focusRegion, h, lang, month, onLanguage, requireSession, setUpPage, shortHash, t, tx,
} from "./common.js";
import { formatEuroShort, formatMonthShort } from "./format.js";

const me = requireSession("auditor");
setUpPage({ role: "auditor" });
const el = (id) => document.getElementById(id);
const state = { history: null, openTrace: null, totals: null, monthPayments: null, trend: null, pendingPayment: null, names: new Map() };
const name = (code) => tx(state.names.get(code)?.name) || t("citizen.unknownBenefit");
el("period").value = currentMonth();
const PALETTE = ["#0066cc", "#00805a", "#a61d4d", "#7a4d00", "#5c2d91", "#00697a", "#b34700", "#3d4a5c"];
const MONTHS_BACK = 12;
const MONTHS_AHEAD = 12;

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

const aboutText = (about) => (about.length === 4 ? t("citizen.history.year", { year: about }) : about.length === 7 ? month(about) : day(about));

function renderTimeline() {
  const region = el("timeline-region");
  const history = state.history;
  if (!history) return;
  const items = history.items;
  region.replaceChildren(...[
    h("h3", { id: "timeline-heading" }, t("auditor.timeline", { count: items.length })),
    h("p", { class: "mono" }, `${t("auditor.subject")}: ${history.subject}`),
    items.length === 0 ? h("p", { class: "muted" }, t("auditor.timeline.none")) : h("ol", { class: "timeline", "aria-labelledby": "timeline-heading" }, items.map((item, index) => {
      const li = h("li", { "data-type": item.type, "data-kind": item.kind, "data-place": `${item.place.block}-${item.place.logIndex}` },
        h("span", { class: "when" }, aboutText(item.about)),
        h("span", {}, tx(item.text)),
        h("span", { class: "recorded" }, `${t("citizen.history.recorded", { date: dateTime(item.place.time) })} · ${t("col.block")} ${item.place.block} · ${shortHash(item.place.txHash)}`));
      if (item.type === "payment") {
        const open = state.openTrace === index;
        const panelId = `trace-${index}`;
        const button = h("button", { type: "button", class: "secondary", "aria-expanded": String(open), "aria-controls": panelId, "data-trace-button": String(index) },
          open ? t("auditor.trace.hide") : t("auditor.trace.show"));
        button.addEventListener("click", () => {
          state.openTrace = open ? null : index;
          renderTimeline();
          document.querySelector(`[data-trace-button="${index}"]`)?.focus();
        });
        li.append(h("div", { class: "mt-1" }, button));
        if (open) li.append(h("div", { class: "trace", id: panelId }, h("p", {}, t("auditor.trace.intro")), h("ol", {}, traceOf(items, index))));
      }
      return li;
    })),
  ].filter(Boolean));
}

// ── charts: SVG drawn at the width of their box (re-drawn when it changes), text at 13 px ──────
const svg = (tag, attrs, ...children) => h(tag, attrs, ...children);

/** A line chart of months: series [{label, color, dashed, width, values: Map(period → cents)}]. */
function lineChart({ id, title, periods, series, marker }) {
  const width = Math.max(300, Math.floor(el("trend-region").clientWidth || 340));
  const narrow = width < 560;
  const height = narrow ? 260 : 340;
  const pad = { left: narrow ? 58 : 78, right: 12, top: 14, bottom: 36 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...series.flatMap((s) => [...s.values.values()])) * 1.08;
  const x = (i) => pad.left + (periods.length === 1 ? plotW / 2 : (plotW * i) / (periods.length - 1));
  const y = (v) => pad.top + plotH - (plotH * v) / max;
  const ticks = 4;
  const every = Math.ceil(periods.length / (narrow ? 5 : 12));
  return svg("svg", { class: "chart", id, viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height), role: "img", "aria-labelledby": `${id}-title` },
    svg("title", { id: `${id}-title` }, title),
    Array.from({ length: ticks + 1 }, (_, k) => {
      const v = (max / ticks) * k;
      return svg("g", {},
        svg("line", { class: "axis", x1: String(pad.left), x2: String(width - pad.right), y1: String(y(v)), y2: String(y(v)) }),
        svg("text", { x: String(pad.left - 6), y: String(y(v) + 4), "text-anchor": "end" }, formatEuroShort(v, lang())));
    }),
    periods.map((p, i) => (i % every === 0 || i === periods.length - 1)
      ? svg("text", { x: String(x(i)), y: String(height - 12), "text-anchor": i === periods.length - 1 && periods.length > 1 ? "end" : i === 0 ? "start" : "middle" }, formatMonthShort(p, lang())) : null),
    marker !== undefined && periods.indexOf(marker) >= 0
      ? svg("line", { class: "axis", x1: String(x(periods.indexOf(marker))), x2: String(x(periods.indexOf(marker))), y1: String(pad.top), y2: String(pad.top + plotH), "stroke-dasharray": "2 3" }) : null,
    series.map((s) => {
      const points = periods.map((p, i) => (s.values.has(p) ? `${x(i).toFixed(1)},${y(s.values.get(p)).toFixed(1)}` : null)).filter(Boolean);
      if (points.length === 0) return null;
      return svg("g", { "data-series": s.key },
        points.length > 1 ? svg("polyline", { points: points.join(" "), fill: "none", stroke: s.color, "stroke-width": String(s.width), "stroke-dasharray": s.dashed ? "6 4" : null }) : null,
        points.map((pt) => { const [cx, cy] = pt.split(","); return svg("circle", { cx, cy, r: String(s.width + 1), fill: s.dashed ? "#fff" : s.color, stroke: s.color }); }));
    }));
}

function renderTrend() {
  const region = el("trend-region");
  const trend = state.trend;
  if (!trend) return;
  region.setAttribute("aria-busy", "false");
  const { actual, forecast, from } = trend;
  const now = currentMonth();
  const periods = [];
  for (let p = from; p <= addMonths(now, MONTHS_AHEAD - 1); p = addMonths(p, 1)) periods.push(p);
  const codes = [...new Set([...actual.map((r) => r.benefit), ...forecast.flatMap((m) => m.benefits.map((b) => b.benefit))])];
  const totalActual = new Map();
  for (const r of actual) totalActual.set(r.period, (totalActual.get(r.period) ?? 0) + r.onChain.amountCents);
  // The forecast total over every month, the past ones too: there it stands against what was paid.
  const totalForecast = new Map(forecast.map((m) => [m.period, m.forecastCents]));
  const series = [
    { key: "total-actual", label: t("auditor.trend.totalPaid"), color: "#1a1a1a", width: 3, values: totalActual },
    { key: "total-forecast", label: t("auditor.trend.totalForecast"), color: "#1a1a1a", width: 3, dashed: true, values: totalForecast },
    ...codes.flatMap((code, i) => [
      { key: `${code}-actual`, label: name(code), color: PALETTE[i % PALETTE.length], width: 1.5,
        values: new Map(actual.filter((r) => r.benefit === code).map((r) => [r.period, r.onChain.amountCents])) },
      { key: `${code}-forecast`, label: name(code), color: PALETTE[i % PALETTE.length], width: 1.5, dashed: true, legend: false,
        values: new Map(forecast.filter((m) => m.period >= now).flatMap((m) => m.benefits.filter((b) => b.benefit === code).map((b) => [m.period, b.forecast.amountCents]))) },
    ]),
  ];
  const title = t("auditor.trend.title", { from: month(periods[0]), to: month(periods.at(-1)) });
  const rows = periods.map((p) => {
    const f = forecast.find((m) => m.period === p);
    return { p, paid: totalActual.get(p), forecast: f?.forecastCents };
  });
  region.replaceChildren(
    lineChart({ id: "trend-chart", title, periods, series, marker: now }),
    h("ul", { class: "legend", "aria-label": t("auditor.trend.legend") },
      h("li", {}, h("span", { class: "swatch", "aria-hidden": "true", "data-color": "ink" }), t("auditor.trend.totalPaid")),
      h("li", {}, h("span", { class: "swatch dashed", "aria-hidden": "true", "data-color": "ink" }), t("auditor.trend.totalForecast")),
      codes.map((code, i) => h("li", {}, h("span", { class: `swatch c${i % PALETTE.length}`, "aria-hidden": "true" }), name(code)))),
    h("p", { class: "muted" }, t("auditor.trend.howToRead")),
    h("div", { class: "accordion" }, accordionItem({
      id: "trend-table", heading: t("auditor.trend.table"),
      content: h("div", { class: "table-responsive", tabindex: "0", role: "region", "aria-label": t("auditor.trend.table") },
        h("table", { class: "table" },
          h("caption", {}, title),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("col.month")), h("th", { scope: "col", class: "num" }, t("auditor.trend.paid")), h("th", { scope: "col", class: "num" }, t("auditor.trend.forecast")))),
          h("tbody", {}, rows.map((r) => h("tr", { "data-period": r.p },
            h("th", { scope: "row" }, month(r.p)), h("td", { class: "num" }, r.paid === undefined ? "—" : euro(r.paid)),
            h("td", { class: "num" }, r.forecast === undefined ? "—" : euro(r.forecast))))))),
    })),
  );
}

/** Bars of one month's totals per benefit, drawn at the box's width (names above the bars on a phone). */
function barChart(rows, title) {
  const width = Math.max(300, Math.floor(el("totals-region").clientWidth || 340));
  const narrow = width < 640;
  const bar = 22;
  const rowH = narrow ? 52 : 34;
  const labelW = narrow ? 0 : Math.min(340, width * 0.4);
  const amountW = 100;
  const max = Math.max(1, ...rows.map((r) => r.onChain.amountCents));
  const height = rows.length * rowH + 10;
  return svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height), role: "img", "aria-labelledby": "chart-title" },
    svg("title", { id: "chart-title" }, title),
    rows.map((r, i) => {
      const top = 8 + i * rowH;
      const barTop = narrow ? top + 20 : top;
      const w = Math.max(1, Math.round(((width - labelW - amountW - 10) * r.onChain.amountCents) / max));
      return svg("g", {},
        svg("text", { x: "0", y: String(top + 15) }, name(r.benefit)),
        svg("rect", { class: "bar", x: String(labelW), y: String(barTop), width: String(w), height: String(bar) }),
        svg("text", { x: String(labelW + w + 6), y: String(barTop + 16) }, euro(r.onChain.amountCents)));
    }));
}

function renderTotals() {
  const region = el("totals-region");
  const answer = state.totals;
  if (!answer) return;
  const rows = answer.totals;
  const title = t("auditor.chart.title", { period: month(answer.period) });
  const payments = state.monthPayments?.payments ?? [];
  region.replaceChildren(...[
    h("p", {}, h("span", { class: `badge ${answer.reconciled ? "ok" : "bad"}`, "data-reconciled": String(answer.reconciled) },
      answer.reconciled ? `✓ ${t("auditor.reconciled")}` : `✗ ${t("auditor.notReconciled")}`)),
    barChart(rows, title),
    h("div", { class: "table-responsive", tabindex: "0", role: "region", "aria-label": t("auditor.totals.table") },
      h("table", { class: "table" },
        h("caption", {}, title),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("col.benefit")), h("th", { scope: "col", class: "num" }, t("col.payments")),
          h("th", { scope: "col", class: "num" }, t("col.onChain")), h("th", { scope: "col", class: "num" }, t("col.indexed")), h("th", { scope: "col" }, t("col.reconciled")))),
        h("tbody", {}, rows.map((r) => h("tr", { "data-benefit": r.benefit },
          h("td", {}, name(r.benefit)), h("td", { class: "num" }, String(r.onChain.payments)), h("td", { class: "num" }, euro(r.onChain.amountCents)),
          h("td", { class: "num" }, euro(r.indexed.amountCents)), h("td", {}, r.reconciled ? `✓ ${t("yes")}` : `✗ ${t("no")}`)))))),
    h("h3", { id: "month-payments-heading" }, t("auditor.payments", { period: month(answer.period) })),
    payments.length === 0 ? h("p", { class: "muted" }, t("citizen.payments.none")) : h("p", {}, t("auditor.payments.intro")),
    payments.length === 0 ? null : h("div", { class: "table-responsive", tabindex: "0", role: "region", "aria-label": t("auditor.payments.table") },
      h("table", { class: "table stack" },
        h("thead", {}, h("tr", {}, [t("col.benefit"), t("col.amount"), t("auditor.col.person"), t("col.receipt"), t("auditor.col.history")]
          .map((label, i) => h("th", { scope: "col", class: i === 1 ? "num" : null }, label)))),
        h("tbody", {}, payments.map((p) => {
          const id = `${p.place.block}-${p.place.logIndex}`;
          const button = h("button", { type: "button", class: "secondary", "data-payment": id }, t("auditor.payments.open"));
          button.addEventListener("click", () => choosePayment(p));
          return h("tr", { "data-payment-row": id },
            h("td", { "data-label": t("col.benefit") }, name(p.benefit)),
            h("td", { "data-label": t("col.amount"), class: "num" }, euro(p.amountCents)),
            h("td", { "data-label": t("auditor.col.person"), class: "mono" }, shortHash(p.subject)),
            h("td", { "data-label": t("col.receipt"), class: "mono" }, `${t("col.block")} ${p.place.block} · ${shortHash(p.place.txHash)}`),
            h("td", { "data-label": t("auditor.col.history") }, button));
        })))),
  ].filter(Boolean));
}

/** A payment row chosen: the person's history opens once the purpose is given (it is logged). */
function choosePayment(p) {
  state.pendingPayment = p;
  const form = el("search-form");
  const note = el("payment-chosen") ?? h("p", { id: "payment-chosen", class: "notice" });
  note.textContent = t("auditor.payments.chosen", { benefit: name(p.benefit), amount: euro(p.amountCents), period: month(p.period) });
  form.prepend(note);
  form.elements.fiscalCode.value = "";
  form.elements.purpose.focus();
}

onLanguage(() => {
  if (me) el("auditor-who").textContent = t("auditor.who", { code: me.fiscalCode });
  renderTrend();
  renderTotals();
  renderTimeline();
});
// Charts are drawn for the width they get: drawn again when the page's width changes.
let drawnFor = document.documentElement.clientWidth;
new ResizeObserver(() => {
  const width = document.documentElement.clientWidth;
  if (width === drawnFor) return;
  drawnFor = width;
  renderTrend();
  renderTotals();
}).observe(document.documentElement);

el("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = el("search-error");
  error.textContent = "";
  const form = event.target;
  const code = form.elements.fiscalCode.value.trim().toUpperCase();
  const purpose = form.elements.purpose.value.trim();
  const asOf = form.elements.asOf.value;
  for (const input of [form.elements.fiscalCode, form.elements.purpose]) input.removeAttribute("aria-invalid");
  if (code) state.pendingPayment = null;
  if (purpose.length < 5) {
    error.textContent = t("auditor.error.purpose");
    form.elements.purpose.setAttribute("aria-invalid", "true");
    form.elements.purpose.focus();
    return;
  }
  if (!state.pendingPayment && code.length !== 16) {
    error.textContent = t("auditor.error.fiscalCode");
    form.elements.fiscalCode.setAttribute("aria-invalid", "true");
    form.elements.fiscalCode.focus();
    return;
  }
  const query = new URLSearchParams({ purpose });
  try {
    state.names = await benefits();
    if (state.pendingPayment) {
      const p = state.pendingPayment;
      state.history = await api(`/v1/payments/${p.place.block}-${p.place.logIndex}/history?${query}`, { role: "auditor" });
      state.openTrace = state.history.items.findIndex((i) => i.type === "payment" && i.place.block === p.place.block && i.place.logIndex === p.place.logIndex);
    } else {
      if (asOf) query.set("asOf", asOf);
      state.history = await api(`/v1/subjects/${encodeURIComponent(code)}/history?${query}`, { role: "auditor" });
      state.openTrace = null;
    }
    renderTimeline();
    focusRegion(el("timeline-region"));
  } catch (e) {
    error.textContent = e.message;
    if (e.field && form.elements[e.field]) form.elements[e.field].focus();
  }
});

async function loadMonth(period) {
  state.names = await benefits();
  const [totals, monthPayments] = await Promise.all([
    api(`/v1/payroll/totals?period=${encodeURIComponent(period)}`, { role: "auditor" }),
    api(`/v1/payments?period=${encodeURIComponent(period)}&limit=200`, { role: "auditor" }),
  ]);
  state.totals = { ...totals, period };
  state.monthPayments = monthPayments;
  renderTotals();
}

el("totals-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = el("totals-error");
  error.textContent = "";
  try {
    await loadMonth(el("period").value);
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

async function loadTrend() {
  try {
    state.names = await benefits();
    const all = await api("/v1/payroll/totals", { role: "auditor" });
    const now = currentMonth();
    const paidPeriods = all.totals.map((r) => r.period).sort();
    // From the first paid month (at most a year back), so the forecast is also seen against months already paid.
    const from = paidPeriods.length && paidPeriods[0] > addMonths(now, -MONTHS_BACK) ? paidPeriods[0] : addMonths(now, -MONTHS_BACK);
    const span = (Number(now.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(now.slice(5)) - Number(from.slice(5)) + MONTHS_AHEAD;
    const forecast = await api(`/v1/payroll/forecast?from=${from}&months=${Math.min(24, span)}`, { role: "auditor" });
    state.trend = { actual: all.totals.filter((r) => r.period >= from), forecast: forecast.months, from };
    renderTrend();
  } catch (e) {
    el("trend-error").textContent = t("error.load", { message: e.message });
  }
}

if (me) {
  loadTrend();
  loadMonth(currentMonth()).catch((e) => { el("totals-error").textContent = e.message; });
}
