// The medical commission's page: fill in an assessment, have the members sign it (in demo mode
// the API's demo signer stands in for their signing devices), submit it to the oracle's intake
// and follow it until it is recorded on chain (block and transaction) or refused with the reason.
import { api, dateTime, day, focusRegion, h, onLanguage, requireSession, setUpPage, shortHash, t, todayIso } from "./common.js";

const me = requireSession("commission");
setUpPage({ role: "commission" });
const el = (id) => document.getElementById(id);
const form = el("assessment-form");
const error = el("assessment-error");
const state = { signed: null, status: null, list: null, filter: "", revoking: null, revocation: null };
const POLL_INTERVAL_MS = 1000;
const POLL_TIMEOUT_MS = 120_000;

form.elements.effectiveDate.value = todayIso();
form.elements.sourceId.value = `CML-${todayIso().replaceAll("-", "")}-${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;

function renderProgress() {
  const { signed, status } = state;
  if (!signed) return;
  const steps = [
    ["signed", true, t("commission.step.signed", { count: signed.submission.signatures.length })],
    ["queued", Boolean(status), t("commission.step.queued")],
    ["sent", status && ["sent", "recorded"].includes(status.status), t("commission.step.sent")],
    ["recorded", status?.status === "recorded", status?.place
      ? t("commission.step.recordedAt", { block: status.place.block, tx: shortHash(status.place.txHash), time: dateTime(status.place.time) })
      : t("commission.step.recorded")],
  ];
  el("progress").replaceChildren(...[
    h("p", { class: "mono" }, `${t("commission.assessmentId")}: ${status?.assessmentId ?? signed.submission.record.assessmentId}`),
    h("ol", { class: "steps" }, steps.map(([key, done, label]) => h("li", { "data-step": key, "data-done": String(Boolean(done)) }, `${done ? "✓" : "…"} ${label}`))),
    status?.status === "refused" ? h("p", { class: "error", "data-status": "refused" }, t("commission.refused", { reason: status.reason ?? "" })) : null,
    status ? h("p", { "data-status": status.status }, h("span", { class: `badge ${status.status === "recorded" ? "ok" : status.status === "refused" ? "bad" : "warn"}` }, t(`status.${status.status}`))) : null,
    h("p", { class: "muted" }, t("commission.salt", { salt: signed.reportSalt })),
  ].filter(Boolean));
}

/** The outcome of an assessment in words: category, percentage, conditions, review. */
function outcome(a) {
  if (!a.category) return "—";
  const flags = a.flags.map((f) => t(`flag.${f}`).toLowerCase());
  return [`${t(`category.${a.category}`)} ${a.percentage}%`, ...flags].join(", ");
}

/** What the search box matches: verbale, initials, date and outcome as shown. */
const searchable = (a) => [a.sourceId ?? "", a.initials ?? "", day(a.effectiveDate), outcome(a), t(`status.${a.status}`), a.revocation ? t("commission.revoked") : ""].join(" ").toLowerCase();

function statusBadge(a) {
  if (a.revocation) return h("span", { class: "badge bad" }, `✗ ${t("commission.revoked")}: ${t(`revocation.${a.revocation.reason}`)}`);
  const kind = a.status === "recorded" ? "ok" : a.status === "refused" ? "bad" : "warn";
  return h("span", { class: `badge ${kind}` }, `${a.status === "recorded" ? "✓" : a.status === "refused" ? "✗" : "…"} ${t(`status.${a.status}`)}`);
}

function renderList() {
  if (!state.list) return;
  const all = state.list.assessments;
  const words = state.filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const rows = all.filter((a) => words.every((w) => searchable(a).includes(w)));
  el("list-count").textContent = t("commission.list.count", { shown: rows.length, total: all.length });
  el("assessment-list").replaceChildren(rows.length === 0 ? h("p", { class: "muted" }, t(all.length === 0 ? "commission.list.none" : "commission.list.noMatch")) :
    h("div", { class: "table-responsive", tabindex: "0", role: "region", "aria-label": t("commission.list.table") },
      h("table", { class: "table stack" },
        h("thead", {}, h("tr", {}, [t("commission.col.sourceId"), t("commission.col.date"), t("commission.col.person"), t("commission.col.outcome"), t("col.status"), t("commission.col.actions")]
          .map((label) => h("th", { scope: "col" }, label)))),
        h("tbody", {}, rows.slice(0, 100).map((a) => {
          const cells = [
            a.sourceId ?? t("commission.sourceUnknown"), day(a.effectiveDate), a.initials ?? "—", outcome(a), statusBadge(a),
          ];
          let action = "—";
          if (a.status === "recorded" && !a.revocation && a.place) {
            action = h("button", { type: "button", class: "secondary", "data-revoke": a.assessmentId }, t("commission.revoke"));
            action.addEventListener("click", () => openRevocation(a));
          }
          const labels = [t("commission.col.sourceId"), t("commission.col.date"), t("commission.col.person"), t("commission.col.outcome"), t("col.status"), t("commission.col.actions")];
          return h("tr", { "data-assessment": a.assessmentId }, [...cells, action].map((c, i) => h("td", { "data-label": labels[i] }, c)));
        })))));
  renderRevocation();
}

/** The revocation form for one assessment: the reason, then the members sign and the oracle records it. */
function openRevocation(a) {
  state.revoking = a;
  state.revocation = null;
  renderRevocation();
  el("revocation-reason")?.focus();
}

function renderRevocation() {
  const box = el("revocation");
  const a = state.revoking;
  if (!a) {
    box.replaceChildren();
    box.classList.add("hidden");
    return;
  }
  box.classList.remove("hidden");
  const r = state.revocation;
  const done = r && ["recorded", "refused"].includes(r.status);
  const reasons = ["APPEAL_UPHELD", "CLERICAL_ERROR", "FRAUD", "OTHER"];
  const form = h("form", { id: "revocation-form", novalidate: true },
    h("div", {},
      h("label", { for: "revocation-reason" }, t("commission.revocation.reason")),
      h("select", { id: "revocation-reason", name: "reason", required: true }, reasons.map((code) => h("option", { value: code }, t(`revocation.${code}`))))),
    h("p", { id: "revocation-error", class: "error", role: "alert" }),
    h("div", { class: "row-actions" },
      h("button", { type: "submit", id: "revocation-submit", disabled: Boolean(r) && !done }, t("commission.revocation.submit")),
      h("button", { type: "button", class: "secondary", id: "revocation-cancel" }, t(done ? "commission.revocation.close" : "commission.revocation.cancel"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitRevocation(a, form.elements.reason.value);
  });
  form.querySelector("#revocation-cancel").addEventListener("click", () => {
    state.revoking = null;
    renderRevocation();
    document.querySelector(`[data-revoke="${a.assessmentId}"]`)?.focus();
  });
  box.replaceChildren(...[
    h("h3", { id: "revocation-heading" }, t("commission.revocation.heading", { sourceId: a.sourceId ?? t("commission.sourceUnknown"), initials: a.initials ?? "—" })),
    h("p", {}, t("commission.revocation.intro", { outcome: outcome(a), date: day(a.effectiveDate) })),
    done ? null : form,
    r ? h("p", { "data-revocation": r.status, role: "status" }, statusBadge({ status: r.status }), " ",
      r.status === "recorded" ? t("commission.revocation.recorded") : r.status === "refused" ? t("commission.refused", { reason: r.reason ?? "" }) : t("commission.revocation.waiting")) : null,
    done ? form.querySelector("#revocation-cancel") : null,
  ].filter(Boolean));
}

async function submitRevocation(a, reason) {
  try {
    state.revocation = await api(`/v1/assessments/${a.assessmentId}/revocation`, { method: "POST", role: "commission", body: { reason } });
    renderRevocation();
    const deadline = Date.now() + POLL_TIMEOUT_MS;
    while (!["recorded", "refused"].includes(state.revocation.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      state.revocation = { ...state.revocation, ...(await api(`/v1/revocations/${state.revocation.revocationId}`, { role: "commission" })) };
      renderRevocation();
    }
    // The oracle may say "recorded" a moment before the index has the revocation the list is read
    // from: read the list again until the row shows it (or the same deadline passes).
    await loadList();
    while (state.revocation.status === "recorded" && !revokedInList(a.assessmentId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      await loadList();
    }
    focusRegion(el("revocation"));
  } catch (e) {
    const error = el("revocation-error");
    if (error) error.textContent = e.message;
  }
}

onLanguage(() => {
  if (me) el("commission-who").textContent = t("commission.who", { code: me.fiscalCode, org: me.organisation });
  renderProgress();
  renderList();
});

const revokedInList = (assessmentId) => Boolean((state.list?.assessments ?? []).find((x) => x.assessmentId === assessmentId)?.revocation);
const loadList = async () => {
  state.list = await api("/v1/commission/assessments?limit=500", { role: "commission" });
  renderList();
};
el("list-search").addEventListener("input", (event) => {
  state.filter = event.target.value;
  renderList();
});

function readForm() {
  const f = form.elements;
  const value = {
    sourceId: f.sourceId.value.trim(),
    fiscalCode: f.fiscalCode.value.trim().toUpperCase(),
    category: f.category.value,
    percentage: Number(f.percentage.value),
    flags: [...form.querySelectorAll('input[name="flags"]:checked')].map((c) => c.value),
    effectiveDate: f.effectiveDate.value,
    reviewDate: f.reviewDate.value || null,
    report: f.report.value.trim(),
  };
  const missing = [
    ["fiscalCode", value.fiscalCode.length !== 16], ["sourceId", !value.sourceId],
    ["percentage", f.percentage.value === "" || !(value.percentage >= 0 && value.percentage <= 100)],
    ["effectiveDate", !value.effectiveDate], ["report", !value.report],
  ].find(([, bad]) => bad);
  return { value, missing: missing?.[0] };
}

/** Shows an API or form error next to the field it names, and moves focus there. */
function showError(message, field) {
  error.textContent = message;
  const input = field && form.elements[field.split(".").pop()];
  if (input && "focus" in input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  const { value, missing } = readForm();
  if (missing) return showError(t(`commission.error.${missing}`), missing);
  try {
    state.signed = await api("/v1/dev/assessments/sign", { method: "POST", role: "commission", body: value });
    state.status = null;
    renderProgress();
    el("submit-button").classList.remove("hidden");
    el("submit-button").focus();
  } catch (e) {
    showError(e.message, e.field);
  }
});

el("submit-button").addEventListener("click", async () => {
  error.textContent = "";
  try {
    // The body is sent as the demo signer signed it (JSON.stringify of the same object), with its ModI integrity header.
    const { header, value } = state.signed.integrity;
    state.status = await api("/v1/assessments", { method: "POST", role: "commission", body: state.signed.submission, headers: { [header]: value } });
    el("submit-button").classList.add("hidden");
    renderProgress();
    focusRegion(el("progress"));
    const deadline = Date.now() + POLL_TIMEOUT_MS;
    while (!["recorded", "refused"].includes(state.status.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      state.status = await api(`/v1/assessments/${state.status.assessmentId}`, { role: "commission" });
      renderProgress();
    }
    await loadList();
  } catch (e) {
    showError(e.message, e.field);
  }
});

if (me) loadList().catch((e) => showError(e.message));
