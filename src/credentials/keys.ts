// ES256 keys of the credential issuer and of wallets, as JWKs, with the signer and verifier
// functions the @sd-jwt libraries take (from @sd-jwt/crypto-nodejs).
import { createECDH, createHash } from "node:crypto";
import { ES256 } from "@sd-jwt/crypto-nodejs";
import { calculateJwkThumbprint, type JWK } from "jose";

export interface Es256KeyPair {
  privateJwk: JWK;
  /** With `kid` (its RFC 7638 thumbprint), `alg` and `use`. */
  publicJwk: JWK;
}

/** The P-256 key pair of a 32-byte secret (0x-hex): the secret is the private scalar. */
export async function es256FromSecret(secretHex: string): Promise<Es256KeyPair> {
  const d = Buffer.from(secretHex.replace(/^0x/, ""), "hex");
  if (d.length !== 32) throw new Error("ES256 key: must be 32 bytes of hex");
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(d); // refuses a scalar outside the curve's order
  const point = ecdh.getPublicKey(); // 0x04 || x || y
  const base = { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") };
  const kid = await calculateJwkThumbprint(base);
  return { privateJwk: { ...base, d: d.toString("base64url") }, publicJwk: { ...base, kid, alg: "ES256", use: "sig" } };
}

/** A fresh ES256 key pair (a wallet's holder key). */
export async function newEs256KeyPair(): Promise<Es256KeyPair> {
  const { privateKey } = await ES256.generateKeyPair();
  return es256FromSecret(`0x${Buffer.from(String(privateKey.d), "base64url").toString("hex")}`);
}

/** The public part only: what goes into `cnf.jwk` and the issuer's key set. */
export function publicPart(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

export const es256Signer = (privateJwk: JWK) => ES256.getSigner(privateJwk);
export const es256Verifier = (publicJwk: JWK) => ES256.getVerifier(publicJwk);

/** The hasher SD-JWT uses (sha-256 only). */
export function sha256(data: string | ArrayBuffer, alg = "sha-256"): Uint8Array {
  if (alg.toLowerCase() !== "sha-256") throw new Error(`unsupported hash ${alg}`);
  return new Uint8Array(createHash("sha256").update(typeof data === "string" ? data : Buffer.from(data)).digest());
}

/** 0x SHA-256 of a compact JWT as served: what StatusListAnchor records. */
export function listHashOf(compactJwt: string): string {
  return `0x${createHash("sha256").update(compactJwt, "utf8").digest("hex")}`;
}
