// Shared by every page: the language (Italian first, English on request, remembered), DOM
// building without innerHTML (API data is always text, never markup), calls to the read API with
// the role's token, and the page's sign-in guard. No framework, no build step.
import { DICTIONARY } from "./i18n.js";

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
  const svg = ["svg", "rect", "text", "g", "line", "title"].includes(tag);
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

// ── formatting ─────────────────────────────────────────────────────────────────────────────
const locale = () => (lang() === "it" ? "it-IT" : "en-GB");
export const euro = (cents) => (cents === null || cents === undefined ? "—" : (cents / 100).toLocaleString(locale(), { style: "currency", currency: "EUR" }));
export const day = (iso) => (iso ? new Date(`${iso.slice(0, 10)}T00:00:00Z`).toLocaleDateString(locale(), { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }) : "—");
export const dateTime = (iso) => new Date(iso).toLocaleString(locale(), { timeZone: "Europe/Rome", dateStyle: "medium", timeStyle: "short" });
export const month = (yyyyMm) => new Date(`${yyyyMm}-01T00:00:00Z`).toLocaleDateString(locale(), { timeZone: "UTC", month: "long", year: "numeric" });
export const shortHash = (hex) => (hex ? `${hex.slice(0, 10)}…${hex.slice(-6)}` : "");
export const todayIso = () => new Date().toISOString().slice(0, 10);
export const currentMonth = () => new Date().toISOString().slice(0, 7);

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
