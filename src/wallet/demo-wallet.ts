// A demo wallet, so the credential flow can be tried end to end without a phone: it holds an
// ES256 key and its credentials in a directory, takes a credential offer through OpenID4VCI
// (metadata, token, nonce, key proof, credential) and answers a presentation request with an
// SD-JWT VC presentation and a key-binding JWT. It speaks only HTTP and the public shapes, like a
// real wallet would; the SD-JWT work is @sd-jwt/sd-jwt-vc's.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { getListFromStatusListJWT } from "@sd-jwt/jwt-status-list";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";
import { decodeJwt, importJWK, SignJWT, type JWK } from "jose";
import { clockFromEnv, type Clock } from "../clock.ts";
import { es256Signer, es256Verifier, newEs256KeyPair, publicPart, sha256, type Es256KeyPair } from "../credentials/keys.ts";
import {
  parseOffer, parsePresentationRequest, PRE_AUTHORIZED_GRANT, PROOF_JWT_TYPE, SIGNING_ALG, statusName, wellKnownUrl,
} from "../credentials/protocol.ts";

export interface StoredCredential {
  id: string;
  configuration: string;
  issuer: string;
  /** The SD-JWT VC as issued: issuer JWT ~ every disclosure ~ */
  credential: string;
  receivedAt: string;
}

export interface WalletOptions {
  dir: string;
  clock?: Clock;
  fetch?: typeof fetch;
}

const keyFile = (dir: string) => join(dir, "key.json");
const credentialsDir = (dir: string) => join(dir, "credentials");

/** Creates the wallet's key (once); returns its public key. */
export async function initWallet(options: WalletOptions & { force?: boolean }): Promise<JWK> {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  if (!existsSync(keyFile(options.dir)) || options.force) {
    const pair = await newEs256KeyPair();
    writeFileSync(keyFile(options.dir), `${JSON.stringify(pair, null, 2)}\n`, { mode: 0o600 });
    chmodSync(keyFile(options.dir), 0o600);
  }
  return loadKey(options.dir).publicJwk;
}

function loadKey(dir: string): Es256KeyPair {
  if (!existsSync(keyFile(dir))) throw new Error(`no wallet key in ${dir}: run "npm run wallet -- init --dir ${dir}" first`);
  return JSON.parse(readFileSync(keyFile(dir), "utf8")) as Es256KeyPair;
}

async function json(response: Response, what: string): Promise<Record<string, any>> {
  const body = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 300)}`);
  return JSON.parse(body) as Record<string, any>;
}

const sdJwtVc = (config: ConstructorParameters<typeof SDJwtVcInstance>[0] = {}) => new SDJwtVcInstance({ hasher: sha256, ...config });

/** Takes a credential offer (its openid-credential-offer:// URI or JSON) and stores the credential. */
export async function acceptOffer(options: WalletOptions & { offer: string }): Promise<StoredCredential & { claims: Record<string, unknown> }> {
  const http = options.fetch ?? fetch;
  const clock = options.clock ?? clockFromEnv();
  const key = loadKey(options.dir);
  const offer = parseOffer(options.offer);
  const issuer = offer.credential_issuer;
  const metadata = await json(await http(wellKnownUrl(issuer, "openid-credential-issuer")), "issuer metadata");
  if (metadata.credential_issuer !== issuer) throw new Error(`the metadata names issuer ${metadata.credential_issuer}, not ${issuer}`);
  const authorizationServer = (metadata.authorization_servers as string[] | undefined)?.[0] ?? issuer;
  const asMetadata = await json(await http(wellKnownUrl(authorizationServer, "oauth-authorization-server")), "authorisation server metadata");
  const configuration = offer.credential_configuration_ids[0];
  if (!metadata.credential_configurations_supported?.[configuration]) throw new Error(`the issuer does not offer ${configuration}`);

  const token = await json(await http(String(asMetadata.token_endpoint), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.grants[PRE_AUTHORIZED_GRANT]["pre-authorized_code"] }).toString(),
  }), "token");
  const { c_nonce: nonce } = await json(await http(String(metadata.nonce_endpoint), { method: "POST" }), "nonce");
  const proof = await new SignJWT({ nonce })
    .setProtectedHeader({ alg: SIGNING_ALG, typ: PROOF_JWT_TYPE, jwk: publicPart(key.publicJwk) })
    .setAudience(issuer)
    .setIssuedAt(Math.floor(clock.nowMs() / 1000))
    .sign(await importJWK(key.privateJwk, SIGNING_ALG));
  const answer = await json(await http(String(metadata.credential_endpoint), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token.access_token}` },
    body: JSON.stringify({ credential_configuration_id: configuration, proofs: { jwt: [proof] } }),
  }), "credential");
  const credential = String(answer.credentials?.[0]?.credential ?? "");

  // Check what we got before keeping it: the issuer's signature (its published keys) and our key in cnf.
  const vcIssuer = await json(await http(wellKnownUrl(issuer, "jwt-vc-issuer")), "jwt-vc-issuer metadata");
  const issuerKey = (vcIssuer.jwks?.keys as JWK[] | undefined)?.[0];
  if (!issuerKey) throw new Error("the issuer publishes no key");
  const { payload } = await sdJwtVc({ verifier: await es256Verifier(publicPart(issuerKey)) }).verify(credential, { currentDate: Math.floor(clock.nowMs() / 1000) });
  const cnf = (payload.cnf as { jwk?: JWK } | undefined)?.jwk;
  if (cnf?.x !== key.publicJwk.x || cnf?.y !== key.publicJwk.y) throw new Error("the credential is not bound to this wallet's key");

  mkdirSync(credentialsDir(options.dir), { recursive: true, mode: 0o700 });
  const stored: StoredCredential = {
    id: `${configuration}-${randomBytes(4).toString("hex")}`, configuration, issuer, credential, receivedAt: new Date(clock.nowMs()).toISOString(),
  };
  writeFileSync(join(credentialsDir(options.dir), `${stored.id}.json`), `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  return { ...stored, claims: payload as Record<string, unknown> };
}

/** The stored credentials with their claims, and their status read from the published list. */
export async function listCredentials(options: WalletOptions & { withStatus?: boolean }) {
  const http = options.fetch ?? fetch;
  const dir = credentialsDir(options.dir);
  if (!existsSync(dir)) return [];
  const out = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const stored = JSON.parse(readFileSync(join(dir, file), "utf8")) as StoredCredential;
    const claims = await sdJwtVc().getClaims(stored.credential) as Record<string, any>;
    let status: string | undefined;
    const entry = claims.status?.status_list as { idx: number; uri: string } | undefined;
    if (options.withStatus && entry) {
      try {
        const list = await (await http(entry.uri)).text();
        status = statusName(getListFromStatusListJWT(list).getStatus(entry.idx));
      } catch (error) {
        status = `unknown (${(error as Error).message})`;
      }
    }
    out.push({ id: stored.id, configuration: stored.configuration, issuer: stored.issuer, receivedAt: stored.receivedAt, expiresAt: claims.exp ? new Date(claims.exp * 1000).toISOString() : null, claims, status });
  }
  return out;
}

/**
 * A presentation for a verifier's request (its openid4vp:// URI or JSON): the credential with only
 * the chosen claims disclosed (default: all) and a key-binding JWT over the request's nonce and audience.
 */
export async function present(options: WalletOptions & { request: string; credentialId?: string; claims?: readonly string[] }): Promise<string> {
  const clock = options.clock ?? clockFromEnv();
  const key = loadKey(options.dir);
  const { client_id: audience, nonce } = parsePresentationRequest(options.request);
  const dir = credentialsDir(options.dir);
  const held = (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [])
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as StoredCredential)
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  // The one asked for, or the one received last.
  const stored = options.credentialId ? held.find((c) => c.id === options.credentialId) : held.at(-1);
  if (!stored) throw new Error(options.credentialId ? `no credential ${options.credentialId}` : "the wallet holds no credential");
  const instance = sdJwtVc({ kbSigner: await es256Signer(key.privateJwk), kbSignAlg: SIGNING_ALG });
  const presentable = await instance.presentableKeys(stored.credential);
  const chosen = options.claims ?? presentable;
  const unknown = chosen.filter((c) => !presentable.includes(c));
  if (unknown.length) throw new Error(`the credential has no claim ${unknown.join(", ")} (it has ${presentable.join(", ")})`);
  const frame = Object.fromEntries(chosen.map((c) => [c, true]));
  return instance.present(stored.credential, frame as never, {
    kb: { payload: { aud: audience, nonce, iat: Math.floor(clock.nowMs() / 1000) } },
  });
}

/** The claims of a presentation or credential as decoded (no verification): for printing. */
export function describe(presentation: string): Record<string, unknown> {
  return decodeJwt(presentation.split("~")[0]) as Record<string, unknown>;
}
