// The web pages (citizens, verifiers, auditors, commissions, patronati), served by the read API itself: plain
// HTML, ES modules and CSS from src/web with no build step and nothing from the internet. Every
// page and asset gets its own Content-Security-Policy (scripts, styles and fetches from this
// origin only; QR images as data: URLs); the JSON API keeps `default-src 'none'`.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express from "express";
import { categoryName, maskToFlags, NO_MAX_AGE, type Catalog } from "../domain/catalog.ts";
import { benefitName } from "../api/services/plain-language.ts";

export const PAGE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'",
  "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
].join("; ");

const HERE = fileURLToPath(new URL(".", import.meta.url));
const JSQR = fileURLToPath(import.meta.resolve("jsqr/dist/jsQR.js"));
/** Designers Italia's kit and its typeface, served from node_modules (no CDN: nothing leaves the site). */
const BOOTSTRAP_ITALIA = fileURLToPath(new URL("..", import.meta.resolve("bootstrap-italia/dist/css/bootstrap-italia.min.css")));
const TITILLIUM = fileURLToPath(new URL(".", import.meta.resolve("@fontsource/titillium-web/latin-400.css")));

/** The administration named in the slim header (Designers Italia: "ente di appartenenza"). */
const ADMINISTRATION = "INPS · Istituto Nazionale della Previdenza Sociale";

/** The sections in the header's navigation: path and the i18n key of its label (Italian default). */
const NAVIGATION = [
  { path: "/cittadino", key: "nav.citizen", label: "Cittadino" },
  { path: "/verifica", key: "nav.verify", label: "Verifica una carta" },
  { path: "/revisore", key: "nav.auditor", label: "Revisore" },
  { path: "/commissione", key: "nav.commission", label: "Commissione" },
  { path: "/patronato", key: "nav.patronato", label: "Patronato" },
] as const;

/** The stylesheets every page loads: the kit, the typeface's weights, then the site's own few rules. */
const STYLES = [
  "/web/vendor/bootstrap-italia/css/bootstrap-italia.min.css",
  "/web/vendor/titillium-web/latin-400.css",
  "/web/vendor/titillium-web/latin-600.css",
  "/web/vendor/titillium-web/latin-700.css",
  "/web/app.css",
].map((href) => `<link rel="stylesheet" href="${href}">`).join("\n");

/**
 * The header every page shares, as in Designers Italia's kit: a skip link, the slim header naming
 * the administration (language switch, sign-in or sign-out), the central header with the
 * service's name, and the navigation with the current page marked. Put where a page says
 * `<!--#header-->` or `<!--#header signed-in-->`, so the pages do not repeat it.
 */
export function withHeader(html: string, pagePath: string): string {
  return html.replace(/<!--#header( signed-in)?-->/, (_marker, signedIn: string | undefined) => [
    '<a class="skip" href="#main" data-i18n="skip">Vai al contenuto principale</a>',
    '<header class="it-header-wrapper">',
    '  <div class="it-header-slim-wrapper">',
    '    <div class="container"><div class="it-header-slim-wrapper-content">',
    `      <a class="navbar-brand" href="/" data-i18n="administration">${ADMINISTRATION}</a>`,
    '      <div class="it-header-slim-right-zone">',
    '        <button id="lang-switch" type="button" class="btn btn-sm slim-button" lang="en">English</button>',
    ...(signedIn
      ? ['        <button id="sign-out" type="button" class="btn btn-sm slim-button hidden" data-i18n="signOut">Esci</button>']
      : pagePath === "/accedi" ? [] : ['        <a class="btn btn-sm slim-button" href="/accedi" data-i18n="signIn">Accedi</a>']),
    "      </div>",
    "    </div></div>",
    "  </div>",
    '  <div class="it-nav-wrapper">',
    '    <div class="it-header-center-wrapper">',
    '      <div class="container"><div class="it-header-center-content-wrapper">',
    '        <div class="it-brand-wrapper"><a href="/">',
    '          <div class="it-brand-text"><div class="it-brand-title">PA Chain</div>',
    '          <div class="it-brand-tagline" data-i18n="tagline">Accessibilità in un click: le prestazioni per la disabilità</div></div>',
    "        </a></div>",
    "      </div></div>",
    "    </div>",
    '    <div class="site-nav-wrapper">',
    '      <div class="container">',
    '        <nav class="site-nav" aria-label="Sezioni" data-i18n-label="nav.label">',
    "          <ul>",
    ...NAVIGATION.map((n) => `            <li><a href="${n.path}"${n.path === pagePath ? ' aria-current="page"' : ""} data-i18n="${n.key}">${n.label}</a></li>`),
    "          </ul>",
    "        </nav>",
    "      </div>",
    "    </div>",
    "  </div>",
    "</header>",
  ].join("\n"));
}

const FOOTER = [
  '<footer class="it-footer">',
  '  <div class="it-footer-main">',
  '    <div class="container">',
  '      <div class="it-brand-wrapper"><a href="/"><div class="it-brand-text">',
  '        <div class="it-brand-title">PA Chain</div>',
  '        <div class="it-brand-tagline" data-i18n="tagline">Accessibilità in un click: le prestazioni per la disabilità</div>',
  "      </div></a></div>",
  '      <p class="footer-text" data-i18n="footer">Registro condiviso di INPS, commissioni mediche e Comuni. Ogni stato è calcolato dalle regole pubbliche della prestazione.</p>',
  "    </div>",
  "  </div>",
  '  <div class="it-footer-small-prints">',
  '    <div class="container">',
  '      <nav aria-label="Informazioni sul sito" data-i18n-label="footer.nav">',
  '        <ul class="it-footer-small-prints-list list-inline">',
  '          <li class="list-inline-item"><a href="/note-legali" data-i18n="legal.notes">Note legali</a></li>',
  '          <li class="list-inline-item"><a href="/privacy" data-i18n="legal.privacy">Privacy</a></li>',
  '          <li class="list-inline-item"><a href="/accessibilita" data-i18n="legal.accessibility">Dichiarazione di accessibilità</a></li>',
  "        </ul>",
  "      </nav>",
  "    </div>",
  "  </div>",
  "</footer>",
].join("\n");

/** The header (see withHeader), the kit's stylesheets and the footer every page shares, put in their places. */
export function withChrome(html: string, pagePath: string): string {
  return withHeader(html, pagePath).replace("<!--#styles-->", STYLES).replace("<!--#footer-->", FOOTER);
}

/**
 * "Today" for the page, from the server's clock (src/clock.ts: PACHAIN_TODAY moves it), never the
 * browser's: a person's statuses, review dates and months are the chain's, not the device's.
 */
export function withToday(html: string, isoToday: string): string {
  return html.replace("</head>", `<meta name="pachain-today" content="${isoToday}">\n</head>`);
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
  "/note-legali": "legal-notes.html",
  "/privacy": "privacy.html",
  "/accessibilita": "accessibility.html",
};

export function webRouter(options: { catalog: Catalog; /** YYYY-MM-DD, from the system's clock */ isoToday: () => string }): express.Router {
  const router = express.Router();
  const pageCsp: express.RequestHandler = (_req, res, next) => {
    res.setHeader("content-security-policy", PAGE_CSP);
    next();
  };
  // Read once: the pages are part of the release, not content that changes while it runs.
  const pages = new Map(Object.entries(PAGES).map(([path, file]) => [path, withChrome(readFileSync(`${HERE}pages/${file}`, "utf8"), path)]));
  for (const [path, html] of pages) {
    router.get(path, pageCsp, (_req, res) => {
      res.type("html").send(withToday(html, options.isoToday()));
    });
  }
  // Names and the catalog's terms (who a benefit is for), so a page can say in words which
  // requirement a "not entitled" answer failed; the rules themselves stay on chain.
  // The catalog as it is now on chain: a benefit governance adds appears without a release.
  const benefits = () => options.catalog.benefits.map((b) => ({
    code: b.code, wave: b.wave, monetary: b.monetary, name: benefitName(b.code),
    paymentsPerYear: b.paymentsPerYear, minAge: b.minAge, maxAgeExclusive: b.maxAgeExclusive === NO_MAX_AGE ? null : b.maxAgeExclusive,
    alternatives: b.alternatives.map((a) => ({ category: categoryName(a.category), minPercentage: a.minPercentage, maxPercentage: a.maxPercentage, requiredFlags: maskToFlags(a.requiredFlags) })),
    incomeLimits: b.hasIncomeLimit ? b.years.map((y) => ({ year: y.year, limitCents: Number(y.incomeLimitCents) })) : [],
  }));
  router.get("/web/benefits.json", (_req, res) => {
    res.json({ benefits: benefits() });
  });
  router.get("/web/vendor/jsQR.js", pageCsp, (_req, res) => {
    res.type("js").sendFile(JSQR);
  });
  router.use("/web/vendor/bootstrap-italia", pageCsp, express.static(BOOTSTRAP_ITALIA, { index: false, redirect: false }));
  router.use("/web/vendor/titillium-web", pageCsp, express.static(TITILLIUM, { index: false, redirect: false }));
  router.use("/web", pageCsp, express.static(`${HERE}assets`, { index: false, redirect: false, fallthrough: true }));
  return router;
}
