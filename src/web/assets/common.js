// Shared by every page: the language (Italian first, English on request, remembered), DOM
// building without innerHTML (API data is always text, never markup), calls to the read API with
// the role's token, and the page's sign-in guard. No framework, no build step.
import { DICTIONARY } from "./i18n.js";
import { formatDateTime, formatDay, formatEuro, formatMonth } from "./format.js";

const LANG_KEY = "pachain.lang";
const renderers = [];

export function lang() {
  const stored = localStorage.getItem(LANG_KEY);
  return stored === "en" ? "en" : "it";
}

/** The text of a key in the current language; {name} placeholders filled from vars. */
export function t(key, vars = {}) {
  const entry = DICTIONARY[key];
  if (!entry) return key;
  return entry[lang()].replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** A text object of the API ({it, en}) in the current language. */
export const tx = (text) => (text ? text[lang()] ?? text.it : "");

/** Builds an element: attributes (on* never), then children (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const svg = ["svg", "rect", "text", "g", "line", "title", "polyline", "circle", "path"].includes(tag);
  const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Re-runs on every language switch; runs once now. */
export function onLanguage(render) {
  renderers.push(render);
  render();
}

function applyStatic() {
  document.documentElement.lang = lang();
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  const title = document.querySelector("title[data-i18n]");
  if (title) document.title = t(title.dataset.i18n);
  const button = document.getElementById("lang-switch");
  if (button) {
    // The button names the other language, in that language.
    const other = lang() === "it" ? "en" : "it";
    button.textContent = other === "en" ? "English" : "Italiano";
    button.setAttribute("lang", other);
  }
}

export function setLanguage(value) {
  localStorage.setItem(LANG_KEY, value);
  applyStatic();
  for (const render of renderers) render();
}

// ── formatting (one formatter: format.js, shared with the API's sentences) ─────────────────
export const euro = (cents) => formatEuro(cents, lang());
export const day = (iso) => formatDay(iso, lang());
export const dateTime = (iso) => formatDateTime(iso, lang());
export const month = (yyyyMm) => formatMonth(yyyyMm, lang());
export const shortHash = (hex) => (hex ? `${hex.slice(0, 10)}…${hex.slice(-6)}` : "");
/** Today (YYYY-MM-DD) as the server's clock says (the router puts it in the page), never the device's. */
export const todayIso = () => document.querySelector('meta[name="pachain-today"]')?.content ?? "";
export const currentMonth = () => todayIso().slice(0, 7);
/** The month `delta` months after YYYY-MM. */
export function addMonths(yyyyMm, delta) {
  const [y, m] = yyyyMm.split("-").map(Number);
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/**
 * The kit's accordion (Designers Italia): a heading with a button that shows or hides its panel,
 * aria-expanded telling the state. `content` is an element; the panel's id must be unique.
 */
export function accordionItem({ id, heading, level = "h3", content, open = false }) {
  const panel = h("div", { id, class: `accordion-collapse collapse${open ? " show" : ""}`, role: "region", "aria-labelledby": `${id}-button` }, h("div", { class: "accordion-body" }, content));
  const button = h("button", { id: `${id}-button`, class: `accordion-button${open ? "" : " collapsed"}`, type: "button", "aria-expanded": String(open), "aria-controls": id }, heading);
  button.addEventListener("click", () => {
    const show = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(show));
    button.classList.toggle("collapsed", !show);
    panel.classList.toggle("show", show);
  });
  return h("div", { class: "accordion-item" }, h(level, { class: "accordion-header" }, button), panel);
}

// ── session (demo tokens stand in for SPID/CIE) ─────────────────────────────────────────────
const tokenKey = (role) => `pachain.token.${role}`;
export const session = {
  get: (role) => {
    const raw = sessionStorage.getItem(tokenKey(role));
    return raw ? JSON.parse(raw) : null;
  },
  set: (role, value) => sessionStorage.setItem(tokenKey(role), JSON.stringify(value)),
  clear: (role) => sessionStorage.removeItem(tokenKey(role)),
};

/** The page's role session, or a redirect to the sign-in page that comes back here. */
export function requireSession(role) {
  const current = session.get(role);
  if (!current) {
    location.replace(`/accedi?ruolo=${encodeURIComponent(role)}&torna=${encodeURIComponent(location.pathname)}`);
    return null;
  }
  return current;
}

export class ApiError extends Error {
  constructor(status, body) {
    // RFC 9457 problem details: detail, and the API's code and field as extension members.
    super(body?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? "HTTP";
    this.field = body?.field;
  }
}

/** Calls the read API; an expired session sends the person back to sign in. */
export async function api(path, { method = "GET", body, role, raw = false, headers: extra = {} } = {}) {
  const headers = { ...extra };
  const current = role ? session.get(role) : null;
  if (current) headers.authorization = `Bearer ${current.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (raw && response.ok) return response;
  const answer = await response.json().catch(() => null);
  if (response.status === 401 && role) {
    session.clear(role);
    requireSession(role);
  }
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

let benefitsPromise;
/** Benefit names and kinds, served by the API from its own catalog. */
export function benefits() {
  benefitsPromise ??= fetch("/web/benefits.json").then((r) => r.json()).then((b) => new Map(b.benefits.map((x) => [x.code, x])));
  return benefitsPromise;
}

/** Moves focus to a region that just changed, so a screen reader announces it. */
export function focusRegion(el) {
  if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
  el.focus();
}

/** Wires the language switch and the sign-out button present in the page's header. */
export function setUpPage({ role } = {}) {
  applyStatic();
  document.getElementById("lang-switch")?.addEventListener("click", () => setLanguage(lang() === "it" ? "en" : "it"));
  const signOut = document.getElementById("sign-out");
  if (signOut && role) {
    signOut.classList.toggle("hidden", !session.get(role));
    signOut.addEventListener("click", () => {
      session.clear(role);
      location.assign("/");
    });
  }
}
