// The verifier: a service (a museum, a transport company, an office) asks for a presentation
// request (a fresh nonce and the audience the wallet must sign for), the person's wallet answers
// with an SD-JWT VC presentation ending in a key-binding JWT, and this checks, in order: that the
// credential is PA Chain's (issuer), its signature, its expiry, the request (nonce known, not used
// before, audience), the holder binding (the key-binding JWT is signed by the key in `cnf.jwk` and
// covers exactly these disclosures), every disclosure, the status list (signed by the issuer, its
// hash the latest anchored on chain) and the credential's status in it. The answer names only the
// claims the person disclosed, in plain Italian (and English), and a nonce is good for one check.
// Built from public information only (issuer keys, status list, chain), so anyone could run it.
import { randomBytes } from "node:crypto";
import { getListFromStatusListJWT } from "@sd-jwt/jwt-status-list";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";
import { decodeJwt, decodeProtectedHeader, type JWK } from "jose";
import QRCode from "qrcode";
import type { Clock } from "../../clock.ts";
import { es256Verifier, listHashOf, publicPart, sha256 } from "../../credentials/keys.ts";
import {
  CONFIGURATIONS, CREDENTIAL_FORMAT, presentationRequestUri, STATUS, statusName, type PresentationRequest, type StatusName,
} from "../../credentials/protocol.ts";
import type { AnchoredList } from "../data/status-anchor.ts";
import { expiringBook } from "./credentials.ts";
import type { Text } from "./plain-language.ts";

export const REQUEST_TTL_SECONDS = 600;
/** A key-binding JWT signed longer ago than this is refused (seconds). */
const KB_MAX_AGE_SECONDS = 600;
const CLOCK_SKEW_SECONDS = 30;

export type PresentationVerdict = "valid" | "not-valid" | "refused";

/** Why a presentation was refused or found not valid; VALID when it holds. */
export type PresentationReason =
  | "VALID" | "REVOKED" | "SUSPENDED"
  | "MALFORMED" | "FOREIGN_ISSUER" | "BAD_SIGNATURE" | "EXPIRED" | "NOT_YET_VALID"
  | "UNKNOWN_REQUEST" | "REPLAYED" | "WRONG_AUDIENCE" | "NO_KEY_BINDING" | "WRONG_HOLDER_KEY" | "STALE_KEY_BINDING"
  | "TAMPERED_DISCLOSURE" | "STATUS_LIST_INVALID" | "STATUS_LIST_NOT_ANCHORED";

export interface DisclosedClaim {
  name: string;
  /** The claim as a sentence, e.g. "Carta europea della disabilità: valida". */
  text: Text;
}

export interface PresentationCheck {
  verdict: PresentationVerdict;
  reason: PresentationReason;
  /** "Carta valida", "Carta non valida", "Diritto confermato", "Presentazione rifiutata". */
  headline: Text;
  message: Text;
  /** Only what the person disclosed. */
  claims: DisclosedClaim[];
  credentialType: "EuropeanDisabilityCard" | "BenefitEntitlement" | null;
  expiresAt: string | null;
  status: null | {
    value: StatusName | "UNKNOWN";
    uri: string;
    idx: number;
    listHash: string;
    anchor: { contract: string; version: number; transaction: string | null; block: number | null };
  };
}

const REFUSAL_TEXT: Record<Exclude<PresentationReason, "VALID" | "REVOKED" | "SUSPENDED">, Text> = {
  MALFORMED: { it: "Il testo non è una presentazione SD-JWT con firma del titolare.", en: "The text is not an SD-JWT presentation with a holder signature." },
  FOREIGN_ISSUER: { it: "La credenziale non è stata rilasciata da PA Chain.", en: "The credential was not issued by PA Chain." },
  BAD_SIGNATURE: { it: "La firma dell'emittente non è valida: la credenziale è stata alterata.", en: "The issuer's signature does not hold: the credential was altered." },
  EXPIRED: { it: "La credenziale è scaduta.", en: "The credential has expired." },
  NOT_YET_VALID: { it: "La credenziale non è ancora valida.", en: "The credential is not valid yet." },
  UNKNOWN_REQUEST: { it: "La presentazione non risponde a una richiesta di questo verificatore (nonce sconosciuto o scaduto).", en: "The presentation answers no request of this verifier (unknown or expired nonce)." },
  REPLAYED: { it: "Questa presentazione è già stata usata: chiedi di presentarla di nuovo.", en: "This presentation was already used: ask for a new one." },
  WRONG_AUDIENCE: { it: "La presentazione era destinata a un altro verificatore.", en: "The presentation was meant for another verifier." },
  NO_KEY_BINDING: { it: "Manca la firma del titolare (key binding).", en: "The holder's signature (key binding) is missing." },
  WRONG_HOLDER_KEY: { it: "La presentazione non è firmata dalla chiave del titolare della credenziale.", en: "The presentation is not signed by the credential holder's key." },
  STALE_KEY_BINDING: { it: "La firma del titolare è troppo vecchia o nel futuro.", en: "The holder's signature is too old or in the future." },
  TAMPERED_DISCLOSURE: { it: "Un dato mostrato è stato alterato.", en: "A disclosed claim was altered." },
  STATUS_LIST_INVALID: { it: "La lista di stato non è firmata dall'emittente.", en: "The status list is not signed by the issuer." },
  STATUS_LIST_NOT_ANCHORED: { it: "La lista di stato non è l'ultima registrata sulla blockchain.", en: "The status list is not the latest one anchored on chain." },
};

function claimText(name: string, value: unknown, valid: boolean, all: Record<string, unknown>): Text | null {
  switch (name) {
    case "card_valid":
      return valid && value === true
        ? { it: "Carta europea della disabilità: valida", en: "European Disability Card: valid" }
        : { it: "Carta europea della disabilità: non valida", en: "European Disability Card: not valid" };
    case "entitled": {
      const what = typeof all.benefit_name === "string" ? all.benefit_name : "Prestazione";
      return valid && value === true
        ? { it: `${what}: diritto confermato`, en: `${what}: entitlement confirmed` }
        : { it: `${what}: diritto non confermato`, en: `${what}: entitlement not confirmed` };
    }
    case "benefit_name":
      return { it: `Prestazione: ${String(value)}`, en: `Benefit: ${String(value)}` };
    case "benefit":
      return { it: `Codice della prestazione: ${String(value)}`, en: `Benefit code: ${String(value)}` };
    case "issuing_country":
      return value === "IT" ? { it: "Paese di rilascio: Italia", en: "Issuing country: Italy" } : { it: `Paese di rilascio: ${String(value)}`, en: `Issuing country: ${String(value)}` };
    case "issued_on":
      return { it: `Rilasciata il: ${String(value).split("-").reverse().join("/")}`, en: `Issued on: ${String(value)}` };
    default:
      return null;
  }
}

export interface PresentationVerifierDependencies {
  /** The issuer identifier credentials must carry in `iss`. */
  issuer: () => string;
  /** The issuer's public keys (its /.well-known/jwt-vc-issuer jwks). */
  issuerKeys: () => Promise<JWK[]>;
  /** The status list JWT at a credential's `status.status_list.uri`, and the transaction that anchored it when known. */
  fetchStatusList(uri: string): Promise<{ jwt: string; transaction?: string | null; block?: number | null }>;
  /** The latest hash anchored on chain for a list. */
  anchoredList(listId: number): Promise<AnchoredList>;
  anchorContract: string;
  /** The audience wallets sign for when a request names none. */
  defaultAudience: () => string;
  clock: Clock;
}

export function createPresentationVerifier(deps: PresentationVerifierDependencies) {
  const { clock } = deps;
  const requests = expiringBook<{ audience: string; used: boolean }>();
  const now = () => Math.floor(clock.nowMs() / 1000);

  const refuse = (reason: keyof typeof REFUSAL_TEXT, rest: Partial<PresentationCheck> = {}): PresentationCheck => ({
    verdict: "refused", reason, headline: { it: "Presentazione rifiutata", en: "Presentation refused" }, message: REFUSAL_TEXT[reason],
    claims: [], credentialType: null, expiresAt: null, status: null, ...rest,
  });

  return {
    /** A presentation request: a fresh nonce (good for one presentation) and the audience. */
    async createRequest(audience?: string) {
      const nonce = randomBytes(24).toString("base64url");
      const aud = audience ?? deps.defaultAudience();
      const expiresAt = now() + REQUEST_TTL_SECONDS;
      requests.put(nonce, { audience: aud, used: false }, expiresAt, now());
      const request: PresentationRequest = {
        response_type: "vp_token",
        client_id: aud,
        nonce,
        dcql_query: { credentials: [{ id: "pa_chain", format: CREDENTIAL_FORMAT, meta: { vct_values: Object.values(CONFIGURATIONS).map((c) => c.vct) } }] },
      };
      const uri = presentationRequestUri(request);
      return {
        nonce, audience: aud, expiresAt: new Date(expiresAt * 1000).toISOString(), request, requestUri: uri,
        qrSvg: await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 4 }),
      };
    },

    /** Checks a presentation; returns the answer and, when the credential is ours, its status entry (for the access log). */
    async verify(text: string): Promise<PresentationCheck & { entry?: { listId: number; idx: number } }> {
      const presentation = /[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~[A-Za-z0-9_~.-]*/.exec(text.trim())?.[0];
      if (!presentation) return refuse("MALFORMED");
      const parts = presentation.split("~");
      const kbJwt = parts[parts.length - 1];
      let header: Record<string, unknown>;
      let payload: Record<string, unknown>;
      try {
        header = decodeProtectedHeader(parts[0]) as Record<string, unknown>;
        payload = decodeJwt(parts[0]) as Record<string, unknown>;
      } catch {
        return refuse("MALFORMED");
      }
      if (payload.iss !== deps.issuer()) return refuse("FOREIGN_ISSUER");
      if (header.typ !== CREDENTIAL_FORMAT) return refuse("MALFORMED");
      if (!kbJwt) return refuse("NO_KEY_BINDING");
      let kb: Record<string, unknown>;
      try {
        if (decodeProtectedHeader(kbJwt).typ !== "kb+jwt") return refuse("NO_KEY_BINDING");
        kb = decodeJwt(kbJwt) as Record<string, unknown>;
      } catch {
        return refuse("NO_KEY_BINDING");
      }
      // The request first: a nonce is spent by its first presentation, whatever that one's fate.
      const nonce = typeof kb.nonce === "string" ? kb.nonce : "";
      const request = requests.get(nonce, now());
      if (!request) return refuse("UNKNOWN_REQUEST");
      if (request.used) return refuse("REPLAYED");
      request.used = true;
      if (kb.aud !== request.audience) return refuse("WRONG_AUDIENCE");
      if (typeof kb.iat !== "number" || kb.iat > now() + CLOCK_SKEW_SECONDS || kb.iat < now() - KB_MAX_AGE_SECONDS) return refuse("STALE_KEY_BINDING");

      const keys = await deps.issuerKeys();
      const issuerKey = keys.find((k) => k.kid === header.kid) ?? keys[0];
      const failed: { stage?: "issuer" | "holder" | "status" } = {};
      let statusJwt = "";
      let statusValue = -1;
      let statusAnchor: { transaction?: string | null; block?: number | null } = {};
      const issuerVerify = await es256Verifier(publicPart(issuerKey));
      const instance = new SDJwtVcInstance({
        hasher: sha256,
        verifier: async (data, signature) => {
          const ok = await issuerVerify(data, signature);
          if (!ok) failed.stage ??= "issuer";
          return ok;
        },
        kbVerifier: async (data, signature, sdPayload) => {
          const jwk = (sdPayload as { cnf?: { jwk?: JWK } }).cnf?.jwk;
          const ok = jwk ? await (await es256Verifier(publicPart(jwk)))(data, signature) : false;
          if (!ok) failed.stage ??= "holder";
          return ok;
        },
        statusVerifier: async (data, signature) => {
          const ok = await issuerVerify(data, signature);
          if (!ok) failed.stage ??= "status";
          return ok;
        },
        statusListFetcher: async (uri) => {
          const fetched = await deps.fetchStatusList(uri);
          statusJwt = fetched.jwt;
          statusAnchor = fetched;
          return fetched.jwt;
        },
        statusValidator: async (status) => {
          statusValue = status;
        },
      });
      let verified: Awaited<ReturnType<SDJwtVcInstance["verify"]>>;
      try {
        verified = await instance.verify(presentation, { keyBindingNonce: nonce, currentDate: now(), skewSeconds: CLOCK_SKEW_SECONDS });
      } catch (error) {
        const message = (error as Error).message;
        if (failed.stage === "issuer") return refuse("BAD_SIGNATURE");
        if (/expired/i.test(message)) return refuse("EXPIRED");
        if (/not yet valid/i.test(message)) return refuse("NOT_YET_VALID");
        if (failed.stage === "holder") return refuse("WRONG_HOLDER_KEY");
        if (failed.stage === "status" || /Status List/i.test(message)) return refuse("STATUS_LIST_INVALID");
        if (/sd_hash|digest|disclosure/i.test(message)) return refuse("TAMPERED_DISCLOSURE");
        return refuse("MALFORMED");
      }
      // Every disclosure presented must be one the issuer signed a digest of.
      const digests = new Set((payload._sd as string[] | undefined) ?? []);
      for (const disclosure of parts.slice(1, -1).filter(Boolean)) {
        if (!digests.has(Buffer.from(sha256(disclosure)).toString("base64url"))) return refuse("TAMPERED_DISCLOSURE");
      }
      const claims = verified.payload as Record<string, unknown>;
      const entry = (claims.status as { status_list?: { idx: number; uri: string } } | undefined)?.status_list;
      const credentialType = claims.vct === CONFIGURATIONS.EuropeanDisabilityCard.vct ? "EuropeanDisabilityCard"
        : claims.vct === CONFIGURATIONS.BenefitEntitlement.vct ? "BenefitEntitlement" : null;
      if (!entry || !statusJwt || credentialType === null) return refuse("MALFORMED");
      const listId = Number(new URL(entry.uri).pathname.split("/").pop());
      const listHash = listHashOf(statusJwt);
      const anchored = await deps.anchoredList(listId);
      const status = {
        value: statusName(statusValue), uri: entry.uri, idx: entry.idx, listHash,
        anchor: { contract: deps.anchorContract, version: anchored.version, transaction: statusAnchor.transaction ?? null, block: statusAnchor.block ?? null },
      };
      const expiresAt = typeof claims.exp === "number" ? new Date(claims.exp * 1000).toISOString() : null;
      const result = { credentialType, expiresAt, entry: { listId, idx: entry.idx } } as const;
      if (anchored.listHash.toLowerCase() !== listHash.toLowerCase()) return { ...refuse("STATUS_LIST_NOT_ANCHORED", { credentialType, expiresAt, status }), entry: result.entry };
      // The anchored list must be the one the credential names (its `sub`).
      if (decodeJwt(statusJwt).sub !== entry.uri || getListFromStatusListJWT(statusJwt).getStatus(entry.idx) !== statusValue) {
        return refuse("STATUS_LIST_INVALID");
      }

      const valid = statusValue === STATUS.VALID;
      const disclosedNames = Object.keys(claims).filter((name) => !["iss", "iat", "exp", "nbf", "vct", "cnf", "status", "_sd_alg", "sub"].includes(name));
      const disclosed = disclosedNames
        .map((name) => ({ name, text: claimText(name, claims[name], valid, claims) }))
        .filter((c): c is DisclosedClaim => c.text !== null);
      const card = credentialType === "EuropeanDisabilityCard";
      const reason: PresentationReason = valid ? "VALID" : statusValue === STATUS.SUSPENDED ? "SUSPENDED" : "REVOKED";
      const headline: Text = card
        ? (valid ? { it: "Carta valida", en: "Card valid" } : { it: "Carta non valida", en: "Card not valid" })
        : (valid ? { it: "Diritto confermato", en: "Entitlement confirmed" } : { it: "Diritto non confermato", en: "Entitlement not confirmed" });
      const message: Text = valid
        ? { it: "Firma dell'emittente e del titolare verificate; lo stato è confermato dalla lista registrata sulla blockchain.", en: "Issuer and holder signatures hold; the status is confirmed by the list anchored on chain." }
        : reason === "SUSPENDED"
          ? { it: "La credenziale è sospesa: lo stato sulla blockchain non la conferma ora.", en: "The credential is suspended: the chain does not confirm it now." }
          : { it: "La credenziale è stata revocata: lo stato sulla blockchain non la conferma più.", en: "The credential was revoked: the chain no longer confirms it." };
      return { verdict: valid ? "valid" : "not-valid", reason, headline, message, claims: disclosed, credentialType, expiresAt, status, entry: result.entry };
    },
  };
}

export type PresentationVerifier = ReturnType<typeof createPresentationVerifier>;

