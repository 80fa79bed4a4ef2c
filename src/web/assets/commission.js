// The medical commission's page: fill in an assessment, have the members sign it (in demo mode
// the API's demo signer stands in for their signing devices), submit it to the oracle's intake
// and follow it until it is recorded on chain (block and transaction) or refused with the reason.
import { api, dateTime, focusRegion, h, onLanguage, requireSession, setUpPage, shortHash, t, todayIso } from "./common.js";

const me = requireSession("commission");
setUpPage({ role: "commission" });
const el = (id) => document.getElementById(id);
const form = el("assessment-form");
const error = el("assessment-error");
const state = { signed: null, status: null, list: null };
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

function renderList() {
  if (!state.list) return;
  const rows = state.list.assessments;
  el("assessment-list").replaceChildren(rows.length === 0 ? h("p", { class: "muted" }, t("commission.list.none")) :
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "list-heading" },
      h("table", {},
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("commission.assessmentId")), h("th", { scope: "col" }, t("col.status")), h("th", { scope: "col" }, t("col.receipt")))),
        h("tbody", {}, rows.slice(0, 50).map((a) => h("tr", { "data-assessment": a.assessmentId },
          h("td", { class: "mono" }, shortHash(a.assessmentId)), h("td", {}, t(`status.${a.status}`)),
          h("td", { class: "mono" }, a.place ? `${t("col.block")} ${a.place.block} · ${shortHash(a.place.txHash)}` : a.reason ?? "—")))))));
}

onLanguage(() => {
  if (me) el("commission-who").textContent = t("commission.who", { code: me.fiscalCode, org: me.organisation });
  renderProgress();
  renderList();
});

const loadList = async () => {
  state.list = await api("/v1/commission/assessments?limit=50", { role: "commission" });
  renderList();
};

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
