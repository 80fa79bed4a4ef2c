// The patronato operator's desk: the people who delegated the patronato (scopes, expiry, pending
// confirmations); for one person, the status of each benefit as the contracts compute it and the
// claims with their outcome, and a claim filed for them when the delegation allows it; a delegation
// registered with the person's signed mandate (only its SHA-256 leaves the browser). Every read is
// the API's to log to the person; a refusal says why (no delegation, revoked, expired, scope).
import { api, benefits, day, dateTime, euro, focusRegion, h, onLanguage, requireSession, setUpPage, t, tx } from "./common.js";

const me = requireSession("patronato");
setUpPage({ role: "patronato" });
const el = (id) => document.getElementById(id);
const state = { desk: null, person: null, names: new Map() };
const POLL_INTERVAL_MS = 2000;
const name = (code) => tx(state.names.get(code)?.name) || code;
const scopesText = (scopes) => scopes.map((s) => t(`scope.${s}`)).join("; ");
const refusal = (e) => (e.status === 403 && t(`patronato.refused.${e.code}`) !== `patronato.refused.${e.code}` ? t(`patronato.refused.${e.code}`) : e.message);

function renderPeople() {
  if (!state.desk) return;
  el("patronato-who").textContent = t("patronato.who", { name: state.desk.patronato.name, code: me.fiscalCode });
  const people = state.desk.people;
  const region = el("people");
  region.setAttribute("aria-busy", "false");
  region.replaceChildren(people.length === 0
    ? h("p", { class: "muted" }, t("patronato.people.none"))
    : h("div", { class: "table-responsive", tabindex: "0", role: "region", "aria-labelledby": "people-heading" },
      h("table", { class: "table" },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, t("patronato.register.fiscalCode")), h("th", { scope: "col" }, t("delegations.scopes")),
          h("th", { scope: "col" }, t("col.status")), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("col.actions"))))),
        h("tbody", {}, people.map((p) => {
          const open = h("button", { type: "button", class: "secondary", "data-open": p.fiscalCode, "aria-label": `${t("patronato.open")} ${p.fiscalCode}` }, t("patronato.open"));
          open.addEventListener("click", () => openPerson(p.fiscalCode));
          return h("tr", { "data-person": p.fiscalCode, "data-status": p.status },
            h("td", { class: "mono" }, p.fiscalCode),
            h("td", {}, scopesText(p.scopes)),
            h("td", {}, `${t(`delegation.${p.status}`)} · ${t("delegations.untilDate", { date: day(p.until) })}`),
            h("td", {}, p.status === "ACTIVE" ? open : ""));
        })))));
}

function renderPerson() {
  const p = state.person;
  if (!p) return;
  el("person").classList.remove("hidden");
  el("person-heading").textContent = t("patronato.person", { code: p.fiscalCode });
  el("person-error").textContent = p.error ?? "";
  const canClaim = p.delegation?.scopes.includes("SUBMIT_APPLICATIONS");
  el("person-benefits").replaceChildren(...(p.entitlements?.entitlements ?? []).map((e) => {
    const claimable = canClaim && e.eligible && ["NOT_CLAIMED", "REFUSED"].includes(e.claim?.status ?? "NOT_CLAIMED");
    const button = claimable ? h("button", { type: "button", "data-claim": e.benefit }, t("patronato.claim")) : null;
    button?.addEventListener("click", () => claim(e.benefit, button));
    return h("li", { class: "card", "data-benefit": e.benefit, "data-status": e.eligible ? "granted" : "not-granted" },
      h("h4", {}, name(e.benefit)),
      h("p", {}, h("span", { class: `badge ${e.eligible ? "ok" : "no"}` }, e.eligible ? `✓ ${t("citizen.granted")}` : `✗ ${t("citizen.notGranted")}`),
        " ", e.claim && (e.eligible || e.claim.status !== "NOT_CLAIMED") ? h("span", { class: `badge ${{ GRANTED: "ok", REFUSED: "bad", PENDING: "warn" }[e.claim.status] ?? "no"}`, "data-claim-status": e.claim.status }, t(`claim.${e.claim.status}`)) : null),
      h("p", { class: "explanation" }, tx(e.explanation)),
      e.monetary && e.eligible ? h("p", {}, `${t("citizen.monthly")}: ${euro(e.monthlyAmountCents)}`) : null,
      button);
  }));
  const apps = p.applications?.applications ?? [];
  el("person-applications").replaceChildren(apps.length === 0
    ? h("p", { class: "muted" }, t("patronato.applications.none"))
    : h("div", { class: "table-responsive", tabindex: "0", role: "region", "aria-label": t("patronato.applications") },
      h("table", { class: "table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("col.benefit")), h("th", { scope: "col" }, t("col.status")), h("th", { scope: "col" }, t("col.who")))),
        h("tbody", {}, [...apps].reverse().map((a) => h("tr", { "data-application": a.id, "data-status": a.status },
          h("td", {}, name(a.benefit)),
          h("td", {}, a.decision ? `${t(`claim.${a.status}`)} — ${tx(a.decision.explanation)}` : t(`claim.${a.status}`)),
          h("td", {}, a.submittedBy ? `${t("patronato.byUs", { name: a.submittedBy.patronato })} (${a.submittedBy.operator}, ${dateTime(a.submittedBy.at)})` : "—")))))));
}

async function loadPeople() {
  try {
    state.desk = await api("/v1/represented", { role: "patronato" });
    renderPeople();
    document.body.dataset.loaded = "true";
  } catch (e) {
    el("patronato-error").textContent = t("error.load", { message: e.message });
  }
}

/** Reads one person's status and claims; each read is logged to the person by the API. */
async function openPerson(fiscalCode, { focus = true } = {}) {
  const delegation = state.desk?.people.find((p) => p.fiscalCode === fiscalCode);
  state.person = { fiscalCode, delegation };
  try {
    const reads = delegation?.scopes.includes("READ_STATUS");
    const [entitlements, applications] = await Promise.all([
      reads ? api(`/v1/represented/${fiscalCode}/entitlements`, { role: "patronato" }) : null,
      api(`/v1/represented/${fiscalCode}/applications`, { role: "patronato" }),
    ]);
    Object.assign(state.person, { entitlements, applications });
  } catch (e) {
    state.person.error = refusal(e);
  }
  renderPerson();
  document.body.dataset.person = fiscalCode;
  if (focus) focusRegion(el("person"));
}

async function claim(benefit, button) {
  const { fiscalCode } = state.person;
  button.disabled = true;
  try {
    const filed = await api(`/v1/represented/${fiscalCode}/applications`, { method: "POST", role: "patronato", body: { benefit } });
    // Until INPS's decision is on chain, look at the claims again now and then (each look is logged to the person).
    for (let status = filed.status; status === "PENDING" && state.person?.fiscalCode === fiscalCode;) {
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
      state.person.applications = await api(`/v1/represented/${fiscalCode}/applications`, { role: "patronato" });
      renderPerson();
      const a = state.person.applications.applications.find((x) => x.id === filed.id);
      status = a?.decision?.block ? a.status : "PENDING";
    }
    await openPerson(fiscalCode, { focus: false });
  } catch (e) {
    state.person.error = refusal(e);
    renderPerson();
  }
}

async function sha256Hex(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return `0x${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

el("register-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const error = el("register-error");
  const done = el("register-done");
  error.textContent = "";
  done.classList.add("hidden");
  const scopes = [...form.elements.scopes].filter((c) => c.checked).map((c) => c.value);
  const file = form.elements.mandate.files[0];
  if (scopes.length === 0) {
    error.textContent = t("delegations.error.scopes");
    return;
  }
  if (!file) {
    error.textContent = t("patronato.register.mandate");
    form.elements.mandate.focus();
    return;
  }
  try {
    const fiscalCode = form.elements.fiscalCode.value.trim().toUpperCase();
    await api("/v1/represented", { method: "POST", role: "patronato", body: { fiscalCode, scopes, mandateHash: await sha256Hex(file) } });
    done.textContent = t("patronato.register.done");
    done.classList.remove("hidden");
    form.reset();
    await loadPeople();
  } catch (e) {
    error.textContent = e.message;
  }
});

onLanguage(() => {
  renderPeople();
  renderPerson();
});

if (me) {
  benefits().then((names) => {
    state.names = names;
    loadPeople();
  });
}
