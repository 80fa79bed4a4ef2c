// Demo sign-in: stands in for SPID/CIE. Asks the API for a demo token of the chosen role and
// goes back to the page that asked for it.
import { api, setUpPage, session, t } from "./common.js";

const HOME_OF = { citizen: "/cittadino", auditor: "/revisore", commission: "/commissione", patronato: "/patronato" };
setUpPage();

const form = document.getElementById("signin-form");
const error = document.getElementById("signin-error");
const orgField = document.getElementById("organisation-field");
const params = new URLSearchParams(location.search);
const asked = params.get("ruolo");
if (asked && HOME_OF[asked]) form.elements.role.value = asked;

const patronatoField = document.getElementById("patronato-field");
const showOrg = () => {
  const commission = form.elements.role.value === "commission";
  orgField.classList.toggle("hidden", !commission);
  form.elements.organisation.required = commission;
  patronatoField.classList.toggle("hidden", form.elements.role.value !== "patronato");
};
// The patronati of the consortium's directory, for an operator to say which one they act for.
api("/v1/organisations?kind=PATRONATO").then(({ organisations }) => {
  form.elements.patronato.replaceChildren(...organisations.map((o) => {
    const option = document.createElement("option");
    option.value = String(o.id);
    option.textContent = o.name;
    return option;
  }));
}).catch(() => undefined);
for (const radio of form.elements.role) radio.addEventListener("change", showOrg);
showOrg();

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  const role = form.elements.role.value;
  const fiscalCode = form.elements.fiscalCode.value.trim().toUpperCase();
  const organisation = role === "commission" ? Number(form.elements.organisation.value)
    : role === "patronato" ? Number(form.elements.patronato.value) : undefined;
  if (fiscalCode.length !== 16) {
    error.textContent = t("signin.error.fiscalCode");
    form.elements.fiscalCode.setAttribute("aria-invalid", "true");
    form.elements.fiscalCode.focus();
    return;
  }
  if (role === "patronato" && !(organisation > 0)) {
    error.textContent = t("signin.error.patronato");
    form.elements.patronato.focus();
    return;
  }
  if (role === "commission" && !(organisation > 0)) {
    error.textContent = t("signin.error.organisation");
    form.elements.organisation.focus();
    return;
  }
  try {
    const { token } = await api("/v1/dev/token", { method: "POST", body: { role, fiscalCode, organisation } });
    session.set(role, { token, fiscalCode, organisation });
    const back = params.get("torna");
    // Only a path of this site: never an address elsewhere.
    location.assign(back && /^\/[a-z]*$/.test(back) ? back : HOME_OF[role]);
  } catch (e) {
    error.textContent = e.code === "INVALID_FISCAL_CODE" ? t("signin.error.fiscalCode") : e.message;
    if (e.field === "fiscalCode") form.elements.fiscalCode.focus();
  }
});
