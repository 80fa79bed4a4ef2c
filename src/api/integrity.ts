// ModI message integrity for writes (AgID's INTEGRITY_REST_01 pattern): the submitting system signs
// a JWS, sent as the `Agid-JWT-Signature` header, whose payload carries the SHA-256 digest of the
// body in `signed_headers` with `iat`/`exp`. The API checks it against the keys registered for the
// commission (a JWKS file per commission id) before anything is queued, so a body changed on the way
// or sent by a system the commission did not register is refused with the reason.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createLocalJWKSet, errors as joseErrors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JSONWebKeySet, type JWK } from "jose";
import { PaChainError, type ErrorCode } from "../errors.ts";

export const INTEGRITY_HEADER = "Agid-JWT-Signature";
/** How long a signature is valid when the signer does not say (seconds). */
export const SIGNATURE_TTL_SECONDS = 300;
/** Clock difference tolerated between the submitting system and the API (seconds). */
const CLOCK_TOLERANCE_SECONDS = 60;
const ALGORITHMS = ["ES256", "RS256", "PS256", "EdDSA"];

/** A refusal of the integrity check: 400 naming the header, with what is wrong. */
export class IntegrityError extends PaChainError {
  readonly field = INTEGRITY_HEADER;
  constructor(code: Extract<ErrorCode, "INTEGRITY_REQUIRED" | "INTEGRITY_INVALID">, message: string) {
    super(code, message, { status: 400 });
  }
}

/** The body's digest as ModI writes it (RFC 3230 style: algorithm=base64). */
export const bodyDigest = (body: Buffer | string) => `SHA-256=${createHash("sha256").update(body).digest("base64")}`;

/** The JWKS file of a commission in the registry. */
export const commissionJwksFile = (registryDir: string, commissionId: number) => join(registryDir, `commission-${commissionId}.jwks.json`);

/** Signs a body for the Agid-JWT-Signature header with a submitting system's private key. */
export async function signIntegrity(body: string, key: { privateJwk: JWK; kid: string }, nowSeconds: number, ttlSeconds = SIGNATURE_TTL_SECONDS): Promise<string> {
  const alg = key.privateJwk.alg ?? "ES256";
  return new SignJWT({ signed_headers: [{ digest: bodyDigest(body) }, { "content-type": "application/json" }] })
    .setProtectedHeader({ alg, kid: key.kid, typ: "JWT" })
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ttlSeconds)
    .sign(await importJWK(key.privateJwk, alg));
}

export interface IntegrityVerifier {
  /** Refuses (IntegrityError) unless the header is a valid signature over this body by a key of the commission. */
  verify(commissionId: number, header: string | undefined, rawBody: Buffer | undefined): Promise<void>;
}

export function createIntegrityVerifier(options: { registryDir: string; nowSeconds: () => number }): IntegrityVerifier {
  const { registryDir, nowSeconds } = options;
  return {
    async verify(commissionId, header, rawBody) {
      if (!header) throw new IntegrityError("INTEGRITY_REQUIRED", `${INTEGRITY_HEADER}: missing; sign the body with the system key registered for commission ${commissionId}`);
      const file = commissionJwksFile(registryDir, commissionId);
      if (!existsSync(file)) throw new IntegrityError("INTEGRITY_INVALID", `${INTEGRITY_HEADER}: no signing key is registered for commission ${commissionId}`);
      const keys = createLocalJWKSet(JSON.parse(readFileSync(file, "utf8")) as JSONWebKeySet);
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(header, keys, {
          algorithms: ALGORITHMS, requiredClaims: ["iat", "exp"], clockTolerance: CLOCK_TOLERANCE_SECONDS, currentDate: new Date(nowSeconds() * 1000),
        }));
      } catch (error) {
        const why = error instanceof joseErrors.JWKSNoMatchingKey ? `signed by a key not registered for commission ${commissionId}`
          : error instanceof joseErrors.JWTExpired ? "expired"
          : error instanceof joseErrors.JWSSignatureVerificationFailed ? "the signature does not verify"
          : `not a valid signature (${(error as Error).message})`;
        throw new IntegrityError("INTEGRITY_INVALID", `${INTEGRITY_HEADER}: ${why}`);
      }
      const signed = Array.isArray(payload.signed_headers) ? payload.signed_headers as Array<Record<string, unknown>> : [];
      const digest = signed.find((h) => typeof h.digest === "string")?.digest;
      if (!digest) throw new IntegrityError("INTEGRITY_INVALID", `${INTEGRITY_HEADER}: signed_headers carries no digest`);
      if (digest !== bodyDigest(rawBody ?? "")) throw new IntegrityError("INTEGRITY_INVALID", `${INTEGRITY_HEADER}: the body's digest does not match the signed digest`);
    },
  };
}

/** Keys being created, per private key file: concurrent first uses share one creation. */
const creating = new Map<string, Promise<void>>();

/**
 * Demo mode only: the demo system key of a commission (created on first use, kept under
 * PACHAIN_HOME/keys/integrity) with its public key registered for the commission.
 * Created once even when several requests ask at once (two creations would leave one's private
 * key beside the other's public key: every signature refused for good), and crash-safe: the
 * public key is put in place first and the private key last, each by an atomic rename, so a
 * private key on disk always has its public key registered; a crash in between creates both anew.
 */
export async function demoIntegrityKey(home: string, registryDir: string, commissionId: number): Promise<{ privateJwk: JWK; kid: string }> {
  const dir = join(home, "keys", "integrity");
  const file = join(dir, `commission-${commissionId}.private.jwk.json`);
  if (!existsSync(file)) {
    let created = creating.get(file);
    if (!created) {
      created = createDemoIntegrityKey(file, registryDir, commissionId).finally(() => creating.delete(file));
      creating.set(file, created);
    }
    await created;
  }
  const privateJwk = JSON.parse(readFileSync(file, "utf8")) as JWK;
  return { privateJwk, kid: String(privateJwk.kid) };
}

async function createDemoIntegrityKey(file: string, registryDir: string, commissionId: number): Promise<void> {
  if (existsSync(file)) return;
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = `demo-commission-${commissionId}`;
  mkdirSync(dirname(file), { recursive: true });
  mkdirSync(registryDir, { recursive: true });
  const jwks = commissionJwksFile(registryDir, commissionId);
  writeFileSync(`${jwks}.tmp`, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), alg: "ES256", kid, use: "sig" }] }, null, 2));
  renameSync(`${jwks}.tmp`, jwks);
  writeFileSync(`${file}.tmp`, JSON.stringify({ ...(await exportJWK(privateKey)), alg: "ES256", kid }), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
