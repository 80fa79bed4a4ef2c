// The web pages (citizens, verifiers, auditors, commissions, patronati), served by the read API itself: plain
// HTML, ES modules and CSS from src/web with no build step and nothing from the internet. Every
// page and asset gets its own Content-Security-Policy (scripts, styles and fetches from this
// origin only; QR images as data: URLs); the JSON API keeps `default-src 'none'`.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express from "express";
import type { Catalog } from "../domain/catalog.ts";
import { benefitName } from "../api/services/plain-language.ts";

export const PAGE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
].join("; ");

const HERE = fileURLToPath(new URL(".", import.meta.url));
const JSQR = fileURLToPath(import.meta.resolve("jsqr/dist/jsQR.js"));

/** The sections in the header's navigation: path and the i18n key of its label (Italian default). */
const NAVIGATION = [
  { path: "/cittadino", key: "nav.citizen", label: "Cittadino" },
  { path: "/verifica", key: "nav.verify", label: "Verifica una prova" },
  { path: "/revisore", key: "nav.auditor", label: "Revisore" },
  { path: "/commissione", key: "nav.commission", label: "Commissione" },
  { path: "/patronato", key: "nav.patronato", label: "Patronato" },
] as const;

/**
 * The header every page shares (skip link, brand, navigation with the current page marked,
 * language switch, and a sign-out button on pages used signed in), put where a page says
 * `<!--#header-->` or `<!--#header signed-in-->`, so the pages do not repeat it.
 */
export function withHeader(html: string, pagePath: string): string {
  return html.replace(/<!--#header( signed-in)?-->/, (_marker, signedIn: string | undefined) => [
    '<a class="skip" href="#main" data-i18n="skip">Vai al contenuto principale</a>',
    '<header class="top">',
    '  <a class="brand" href="/">PA Chain</a>',
    '  <nav aria-label="Sezioni" data-i18n-label="nav.label">',
    "    <ul>",
    ...NAVIGATION.map((n) => `      <li><a href="${n.path}"${n.path === pagePath ? ' aria-current="page"' : ""} data-i18n="${n.key}">${n.label}</a></li>`),
    "    </ul>",
    "  </nav>",
    '  <button id="lang-switch" type="button" lang="en">English</button>',
    ...(signedIn ? ['  <button id="sign-out" type="button" class="hidden" data-i18n="signOut">Esci</button>'] : []),
    "</header>",
  ].join("\n"));
}

const FOOTER = [
  "<footer>",
  '  <p data-i18n="footer">PA Chain — registro condiviso delle prestazioni per la disabilità. Ogni stato è calcolato dai contratti sulla blockchain.</p>',
  "</footer>",
].join("\n");

/** The header (see withHeader) and the footer every page shares, put in their places. */
export function withChrome(html: string, pagePath: string): string {
  return withHeader(html, pagePath).replace("<!--#footer-->", FOOTER);
}

/** URL path → page file. Italian paths first, as the pages are. */
export const PAGES: Readonly<Record<string, string>> = {
  "/": "index.html",
  "/accedi": "signin.html",
  "/cittadino": "citizen.html",
  "/verifica": "verify.html",
  "/revisore": "auditor.html",
  "/commissione": "commission.html",
  "/patronato": "patronato.html",
};

export function webRouter(options: { catalog: Catalog }): express.Router {
  const router = express.Router();
  const pageCsp: express.RequestHandler = (_req, res, next) => {
    res.setHeader("content-security-policy", PAGE_CSP);
    next();
  };
  // Read once: the pages are part of the release, not content that changes while it runs.
  const pages = new Map(Object.entries(PAGES).map(([path, file]) => [path, withChrome(readFileSync(`${HERE}pages/${file}`, "utf8"), path)]));
  for (const [path, html] of pages) {
    router.get(path, pageCsp, (_req, res) => {
      res.type("html").send(html);
    });
  }
  const benefits = options.catalog.benefits.map((b) => ({ code: b.code, wave: b.wave, monetary: b.monetary, name: benefitName(b.code) }));
  router.get("/web/benefits.json", (_req, res) => {
    res.json({ benefits });
  });
  router.get("/web/vendor/jsQR.js", pageCsp, (_req, res) => {
    res.type("js").sendFile(JSQR);
  });
  router.use("/web", pageCsp, express.static(`${HERE}assets`, { index: false, redirect: false, fallthrough: true }));
  return router;
}
