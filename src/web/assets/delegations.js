// The citizen page's patronati section: delegate a patronato (what it may do, until when), see the
// delegations with their state and the claims the patronato filed, revoke one at any time, and
// confirm one a patronato registered with the signed mandate. Its own module beside citizen.js.
import { api, benefits, day, dateTime, h, onLanguage, session, t, tx } from "./common.js";

const me = session.get("citizen");
const el = (id) => document.getElementById(id);
const state = { patronati: null, delegations: null, names: new Map() };
const name = (code) => tx(state.names.get(code)?.name) || code;

function renderChoice() {
  if (!state.patronati) return;
  const select = el("d-patronato");
  const chosen = select.value;
  select.replaceChildren(...state.patronati.map((p) => h("option", { value: String(p.id), selected: String(p.id) === chosen }, p.name)));
}

function renderDelegations() {
  if (!state.delegations) return;
  const list = state.delegations;
  el("delegations").replaceChildren(...(list.length === 0
    ? [h("li", { class: "muted" }, t("delegations.none"))]
    : list.map((d) => {
      const live = d.status === "ACTIVE" || d.status === "PENDING";
      const revoke = live ? h("button", { type: "button", class: "secondary", "data-revoke": d.id }, t("delegations.revoke")) : null;
      revoke?.addEventListener("click", () => act(`/v1/me/delegations/${d.id}`, "DELETE"));
      const confirm = d.status === "PENDING" ? h("button", { type: "button", "data-confirm": d.id }, t("delegations.confirm")) : null;
      confirm?.addEventListener("click", () => act(`/v1/me/delegations/${d.id}/confirmation`, "POST"));
      return h("li", { class: "card", "data-delegation": d.id, "data-status": live ? "granted" : "not-granted", "data-state": d.status },
        h("h3", {}, d.patronato.name),
        h("p", {}, h("span", { class: `badge ${d.status === "ACTIVE" ? "ok" : d.status === "PENDING" ? "warn" : "no"}` }, t(`delegation.${d.status}`)),
          " ", t("delegations.untilDate", { date: day(d.until) })),
        h("p", {}, d.scopes.map((s) => t(`scope.${s}`)).join("; ")),
        d.grantedBy === "patronato" ? h("p", { class: "muted" }, t("delegations.mandate")) : null,
        d.claims.length ? h("div", { "data-claims": "" },
          h("p", {}, t("delegations.claims")),
          h("ul", {}, d.claims.map((c) => h("li", { "data-application": c.applicationId },
            `${name(c.benefit)} — ${c.status ? t(`claim.${c.status}`) : "—"} (${dateTime(c.at)})`)))) : null,
        revoke || confirm ? h("p", { class: "row-actions" }, confirm, revoke) : null);
    })));
}

async function load() {
  try {
    const [names, directory, mine] = await Promise.all([
      benefits(), api("/v1/organisations?kind=PATRONATO"), api("/v1/me/delegations", { role: "citizen" }),
    ]);
    Object.assign(state, { names, patronati: directory.organisations, delegations: mine.delegations });
    renderChoice();
    renderDelegations();
    document.body.dataset.delegations = "loaded";
  } catch (e) {
    el("delegation-error").textContent = t("error.load", { message: e.message });
  }
}

async function act(path, method) {
  el("delegation-error").textContent = "";
  try {
    await api(path, { method, role: "citizen" });
    state.delegations = (await api("/v1/me/delegations", { role: "citizen" })).delegations;
    renderDelegations();
  } catch (e) {
    el("delegation-error").textContent = e.message;
  }
}

el("delegation-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const error = el("delegation-error");
  error.textContent = "";
  const scopes = [...form.elements.scopes].filter((c) => c.checked).map((c) => c.value);
  if (scopes.length === 0) {
    error.textContent = t("delegations.error.scopes");
    return;
  }
  const until = form.elements.until.value;
  try {
    await api("/v1/me/delegations", { method: "POST", role: "citizen", body: { patronato: Number(form.elements.patronato.value), scopes, ...(until ? { until } : {}) } });
    state.delegations = (await api("/v1/me/delegations", { role: "citizen" })).delegations;
    renderDelegations();
  } catch (e) {
    error.textContent = e.message;
    if (e.field === "until") form.elements.until.focus();
  }
});

onLanguage(() => {
  // citizen.js translated the page before this module's texts were rendered; render ours again.
  for (const node of document.querySelectorAll("#delegation-form [data-i18n], [aria-labelledby=delegations-heading] > [data-i18n]")) node.textContent = t(node.dataset.i18n);
  renderDelegations();
});
if (me) load();
