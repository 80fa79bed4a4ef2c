// Proofs of status: a citizen takes away a signed statement that reveals only what a service
// needs ("holds a valid European Disability Card", "entitled to benefit X in month Y"), shown as a
// QR code; anyone can have it verified. A proof is a compact JWS (EdDSA, Ed25519) signed by the
// API's issuing key. It carries the claim, a validity window, a nonce, and the person's on-chain
// pseudonym encrypted under a key only the API holds: the status is re-checked on chain at every
// verification (so a revocation or a death invalidates it at once), while two proofs of the same
// person cannot be linked by the services that see them. No percentage, no diagnosis, no name.
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, hkdfSync, randomBytes, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, errors as joseErrors, exportJWK, jwtVerify, SignJWT } from "jose";
import QRCode from "qrcode";
import { z } from "zod";
import type { PAChainContracts } from "../../chain/contracts.ts";
import { benefitByCode, reasonName, type Catalog, type ReasonName } from "../../domain/catalog.ts";
import { formatIsoDate, formatPeriod, parsePeriod, periodFirstDay, todayYmd } from "../../domain/dates.ts";
import { PaChainError, ValidationError } from "../../errors.ts";
import { benefitName, reasonText, type Text } from "./plain-language.ts";

export const PROOF_ISSUER = "pa-chain";
/** JOSE `typ` of a proof, so no other token of ours (a login JWT) passes for one. */
export const PROOF_TYPE = "pachain-proof+jwt";
export const PROOF_TTL_SECONDS = 30 * 86_400;
export const DISABILITY_CARD = "EU_DISABILITY_CARD";
const SUBJECT_KEY_INFO = "pa-chain proof subject v1";
// PKCS#8 DER header of an Ed25519 private key: the 32-byte seed follows (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
// A compact JWS whose header and payload are JSON objects (base64url of `{"` is `eyJ`), so an
// address around it (a scanned link, "127.0.0.1") is not taken for one.
const JWS_PATTERN = /eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+/;

export interface ProofClaim {
  benefit: string;
  /** YYYY-MM: "entitled in this month"; null: "holds this status today". */
  month: string | null;
  /** What the proof states, for the person who reads it. */
  statement: Text;
}

export interface IssuedProof {
  proof: string;
  claim: ProofClaim;
  /** ISO 8601 */
  validFrom: string;
  validUntil: string;
  /** The proof as a QR code (SVG markup). */
  qrSvg: string;
}

/** The issuing public key as a JWK (Ed25519). */
export interface PublicJwk { kty: string; crv: string; x: string; kid: string; alg: string; use: string }

export type Verdict = "valid" | "revoked" | "expired" | "invalid";

export interface Verification {
  verdict: Verdict;
  /** Machine-readable: ELIGIBLE, a reason of the entitlement check, EXPIRED, NOT_YET_VALID, BAD_SIGNATURE, MALFORMED. */
  reason: string;
  message: Text;
  claim: ProofClaim | null;
  validFrom: string | null;
  validUntil: string | null;
  /** The day the status was checked on chain (YYYY-MM-DD), when it was. */
  checkedOn: string | null;
}

const payloadSchema = z.object({
  iss: z.literal(PROOF_ISSUER),
  sub: z.string().regex(/^[A-Za-z0-9_-]{20,200}$/),
  clm: z.object({ b: z.string(), m: z.string().optional() }).strict(),
  iat: z.number().int(),
  nbf: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(16),
}).strict();

function statementOf(benefit: string, month: string | null): Text {
  const name = benefitName(benefit);
  if (benefit === DISABILITY_CARD && month === null) {
    return { it: "È titolare di una Carta europea della disabilità valida.", en: "Holds a valid European Disability Card." };
  }
  return month === null
    ? { it: `Ha diritto a: ${name.it}.`, en: `Is entitled to: ${name.en}.` }
    : { it: `Ha diritto a: ${name.it}, nel mese ${month}.`, en: `Is entitled to: ${name.en}, in month ${month}.` };
}

const VERDICT_TEXT: Record<Exclude<Verdict, "revoked">, Text> & { revoked: (why: Text) => Text } = {
  valid: { it: "Prova valida: lo stato è confermato ora sulla blockchain.", en: "Valid proof: the status is confirmed on chain now." },
  expired: { it: "Prova scaduta: chiedi alla persona di generarne una nuova.", en: "Expired proof: ask the person to issue a new one." },
  invalid: { it: "Prova non valida: la firma non è di PA Chain o il testo è alterato.", en: "Invalid proof: the signature is not PA Chain's or the text was altered." },
  revoked: (why) => ({ it: `Prova revocata: lo stato non è più confermato. ${why.it}`, en: `Revoked proof: the status no longer holds. ${why.en}` }),
};

/** The issuing key pair from a 32-byte secret (0x-hex), and the key that hides the subject. */
export function proofKeys(secretHex: string): { privateKey: KeyObject; publicKey: KeyObject; subjectKey: Buffer } {
  const seed = Buffer.from(secretHex.replace(/^0x/, ""), "hex");
  if (seed.length !== 32) throw new Error("proof key: must be 32 bytes of hex");
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  // Derived, not the seed itself: the signing key never doubles as an encryption key.
  const subjectKey = Buffer.from(hkdfSync("sha256", seed, Buffer.alloc(0), SUBJECT_KEY_INFO, 32));
  return { privateKey, publicKey: createPublicKey(privateKey), subjectKey };
}

export function createProofService(deps: {
  contracts: Pick<PAChainContracts, "ledger">;
  catalog: Catalog;
  /** The issuing secret (0x + 64 hex); without it the service answers 503. */
  key: string | undefined;
  /** unix milliseconds; tests move the clock. */
  now?: () => number;
  ttlSeconds?: number;
}) {
  const { contracts, catalog } = deps;
  const now = deps.now ?? Date.now;
  const ttl = deps.ttlSeconds ?? PROOF_TTL_SECONDS;
  const keys = deps.key === undefined ? undefined : proofKeys(deps.key);
  const need = () => {
    if (!keys) throw new PaChainError("UNAVAILABLE", "proofs are not configured on this API (no issuing key)", { status: 503 });
    return keys;
  };
  let publicJwk: Promise<PublicJwk> | undefined;
  const jwk = () =>
    (publicJwk ??= (async () => {
      const key = await exportJWK(need().publicKey);
      return { kty: String(key.kty), crv: String(key.crv), x: String(key.x), kid: await calculateJwkThumbprint(key), alg: "EdDSA", use: "sig" };
    })());

  const sealSubject = (subject: string) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", need().subjectKey, iv);
    const sealed = Buffer.concat([cipher.update(Buffer.from(subject.slice(2), "hex")), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
  };
  const openSubject = (sealed: string): string | undefined => {
    const bytes = Buffer.from(sealed, "base64url");
    if (bytes.length !== 12 + 32 + 16) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", need().subjectKey, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(44));
      return `0x${Buffer.concat([decipher.update(bytes.subarray(12, 44)), decipher.final()]).toString("hex")}`;
    } catch {
      return undefined;
    }
  };

  /** The day a claim is checked on: the month's first day (as a payment is), or today. */
  const checkDay = (month: string | null, nowMs: number) =>
    month === null ? todayYmd(Math.floor(nowMs / 1000)) : periodFirstDay(parsePeriod(month, "month"));

  const entitlement = async (subject: string, benefit: string, day: number): Promise<{ eligible: boolean; reason: ReasonName }> => {
    const e = await contracts.ledger.entitlement(subject, benefitByCode(catalog, benefit).id, day);
    return { eligible: e.eligible, reason: reasonName(Number(e.reason)) };
  };

  return {
    /** The public key verifiers may use to check signatures themselves (JWKS). */
    async keySet(): Promise<{ keys: PublicJwk[] }> {
      return { keys: [await jwk()] };
    },

    /** Signs a proof of what the person holds now on chain; refused when the chain says no. */
    async issue(subject: string, request: { benefit: string; month?: string }): Promise<IssuedProof> {
      const { privateKey } = need();
      const benefit = benefitByCode(catalog, request.benefit).code;
      const nowMs = now();
      let month: string | null = null;
      if (request.month !== undefined) {
        const period = parsePeriod(request.month, "month");
        const current = Math.floor(todayYmd(Math.floor(nowMs / 1000)) / 100);
        if (period > current) throw new ValidationError("month", `month: ${request.month} has not started yet`, { code: "INVALID_PERIOD" });
        month = formatPeriod(period);
      }
      const day = checkDay(month, nowMs);
      const status = await entitlement(subject, benefit, day);
      if (!status.eligible) {
        throw new PaChainError("CONFLICT", `not entitled to ${benefit} on ${formatIsoDate(day)} (${status.reason}): there is nothing to prove`, { status: 409 });
      }
      const iat = Math.floor(nowMs / 1000);
      const { kid } = await jwk();
      const proof = await new SignJWT({ clm: month === null ? { b: benefit } : { b: benefit, m: month } })
        .setProtectedHeader({ alg: "EdDSA", typ: PROOF_TYPE, kid })
        .setIssuer(PROOF_ISSUER)
        .setSubject(sealSubject(subject))
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + ttl)
        .setJti(randomBytes(16).toString("base64url"))
        .sign(privateKey);
      const qrSvg = await QRCode.toString(proof, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
      return {
        proof,
        claim: { benefit, month, statement: statementOf(benefit, month) },
        validFrom: new Date(iat * 1000).toISOString(),
        validUntil: new Date((iat + ttl) * 1000).toISOString(),
        qrSvg,
      };
    },

    /**
     * Signature, then validity window, then the person's status on chain now. Also returns the
     * subject of a proof whose signature holds, so the caller can log the check for the person.
     */
    async verify(text: string): Promise<Verification & { subject?: string; proofId?: string }> {
      const { publicKey } = need();
      const token = JWS_PATTERN.exec(text.trim())?.[0];
      const answer = (verdict: Verdict, reason: string, message: Text, rest: Partial<Verification> = {}): Verification => ({
        verdict, reason, message, claim: null, validFrom: null, validUntil: null, checkedOn: null, ...rest,
      });
      if (!token) return answer("invalid", "MALFORMED", { it: "Il testo non contiene una prova PA Chain.", en: "The text holds no PA Chain proof." });
      const nowMs = now();
      let payload: unknown;
      try {
        // Expiry is judged below, after the signature, so an expired proof says "expired", not "invalid".
        ({ payload } = await jwtVerify(token, publicKey, {
          algorithms: ["EdDSA"], typ: PROOF_TYPE, issuer: PROOF_ISSUER, currentDate: new Date(nowMs), clockTolerance: Number.MAX_SAFE_INTEGER,
        }));
      } catch (error) {
        const reason = error instanceof joseErrors.JWSSignatureVerificationFailed ? "BAD_SIGNATURE" : "MALFORMED";
        return answer("invalid", reason, VERDICT_TEXT.invalid);
      }
      const parsed = payloadSchema.safeParse(payload);
      const known = parsed.success && catalog.benefits.some((b) => b.code === parsed.data.clm.b);
      const subject = parsed.success ? openSubject(parsed.data.sub) : undefined;
      if (!parsed.success || !known || subject === undefined) return answer("invalid", "MALFORMED", VERDICT_TEXT.invalid);
      const p = parsed.data;
      const month = p.clm.m ?? null;
      const window = {
        claim: { benefit: p.clm.b, month, statement: statementOf(p.clm.b, month) },
        validFrom: new Date(p.nbf * 1000).toISOString(),
        validUntil: new Date(p.exp * 1000).toISOString(),
      };
      const seconds = Math.floor(nowMs / 1000);
      const proofId = p.jti;
      if (seconds >= p.exp) return { ...answer("expired", "EXPIRED", VERDICT_TEXT.expired, window), subject, proofId };
      if (seconds < p.nbf) {
        return { ...answer("invalid", "NOT_YET_VALID", { it: "La prova non è ancora valida.", en: "The proof is not valid yet." }, window), subject, proofId };
      }
      const day = checkDay(month, nowMs);
      const status = await entitlement(subject, p.clm.b, day);
      const checked = { ...window, checkedOn: formatIsoDate(day) };
      return status.eligible
        ? { ...answer("valid", "ELIGIBLE", VERDICT_TEXT.valid, checked), subject, proofId }
        : { ...answer("revoked", status.reason, VERDICT_TEXT.revoked(reasonText(status.reason)), checked), subject, proofId };
    },
  };
}

export type ProofService = ReturnType<typeof createProofService>;
