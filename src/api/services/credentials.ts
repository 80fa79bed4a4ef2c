// The credential issuer (OpenID4VCI 1.0, pre-authorised code flow). A signed-in citizen asks for an
// offer of one credential the chain backs today — the European Disability Card, or "entitled to
// benefit X" — and gets it as a QR code; their wallet redeems the offer's pre-authorised code at
// /token (single use, short-lived), fetches a c_nonce at /nonce, proves possession of its key
// (`proofs.jwt`, ES256) at /credential and receives one SD-JWT VC (`dc+sd-jwt`) bound to that key
// (`cnf.jwk`), with its place in the status list (`status.status_list`). Every claim is selectively
// disclosable; no percentage, category or diagnosis is ever in a credential. The chain is asked at
// the offer and again at the credential: the answer is the contracts', never a copy of the rules.
import { randomBytes } from "node:crypto";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from "jose";
import QRCode from "qrcode";
import { todayOf, type Clock } from "../../clock.ts";
import { benefitByCode, type Catalog } from "../../domain/catalog.ts";
import { formatIsoDate } from "../../domain/dates.ts";
import { PaChainError } from "../../errors.ts";
import { es256Signer, publicPart, sha256, type Es256KeyPair } from "../../credentials/keys.ts";
import {
  CONFIGURATIONS, configurationFor, CREDENTIAL_FORMAT, offerUri, PRE_AUTHORIZED_GRANT, PROOF_JWT_TYPE, SIGNING_ALG, STATUS, wellKnownUrl,
  type ConfigurationId, type CredentialOffer,
} from "../../credentials/protocol.ts";
import { benefitName } from "./plain-language.ts";
import type { StatusLists } from "./status-lists.ts";

/** How long an offer's pre-authorised code can be redeemed (seconds). */
export const OFFER_TTL_SECONDS = 600;
export const ACCESS_TOKEN_TTL_SECONDS = 300;
export const C_NONCE_TTL_SECONDS = 300;
/** A key proof older than this is refused (seconds). */
const PROOF_MAX_AGE_SECONDS = 300;
/** How long a credential is valid for (seconds); its status may end it earlier. */
export const CREDENTIAL_TTL_SECONDS = 365 * 86_400;

/** An OAuth 2.0 error answer ({error, error_description}), as OpenID4VCI's endpoints give them. */
export class OAuthError extends Error {
  readonly error: string;
  readonly description: string;
  readonly status: number;

  constructor(error: string, description: string, status = 400) {
    super(description);
    this.error = error;
    this.description = description;
    this.status = status;
  }
}

/** Short-lived single-use values (codes, tokens, nonces) held in memory, expired ones dropped. */
export function expiringBook<T>() {
  const entries = new Map<string, { value: T; expiresAt: number }>();
  return {
    put(key: string, value: T, expiresAt: number, now: number) {
      for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
      entries.set(key, { value, expiresAt });
    },
    /** The value if present and not expired; removed when `take`. */
    get(key: string, now: number, take = false): T | undefined {
      const entry = entries.get(key);
      if (!entry || entry.expiresAt <= now) return undefined;
      if (take) entries.delete(key);
      return entry.value;
    },
  };
}

const random = () => randomBytes(32).toString("base64url");

interface Grant {
  subject: string;
  benefit: string;
  configuration: ConfigurationId;
}

/** The claims of a credential: every one of them selectively disclosable. Never a percentage, category or diagnosis. */
export function credentialClaims(benefit: string, day: number): Record<string, string | boolean> {
  return benefit === "EU_DISABILITY_CARD"
    ? { card_valid: true, issuing_country: "IT", issued_on: formatIsoDate(day) }
    : { benefit, benefit_name: benefitName(benefit).it, entitled: true, issuing_country: "IT", issued_on: formatIsoDate(day) };
}

export function createCredentialIssuer(deps: {
  catalog: Catalog;
  key: Es256KeyPair;
  /** The credential issuer identifier (https://host/credentials). */
  issuer: () => string;
  /** Also answers the chain's status of a person's benefit (the same question the lists ask). */
  statusLists: StatusLists;
  clock: Clock;
}) {
  const { catalog, key, clock, statusLists } = deps;
  const offers = expiringBook<Grant>();
  const tokens = expiringBook<Grant>();
  const nonces = expiringBook<true>();
  const now = () => Math.floor(clock.nowMs() / 1000);
  const endpoint = (path: string) => `${deps.issuer()}${path}`;
  let vc: Promise<SDJwtVcInstance> | undefined;
  const sdJwtVc = () =>
    (vc ??= (async () => new SDJwtVcInstance({
      signer: await es256Signer(key.privateJwk),
      signAlg: SIGNING_ALG,
      hasher: sha256,
      hashAlg: "sha-256",
      saltGenerator: (length: number) => randomBytes(length).toString("base64url"),
    }))());

  const display = (configuration: ConfigurationId) => configuration === "EuropeanDisabilityCard"
    ? [{ name: "Carta europea della disabilità", locale: "it-IT" }, { name: "European Disability Card", locale: "en" }]
    : [{ name: "Diritto a una prestazione", locale: "it-IT" }, { name: "Entitlement to a benefit", locale: "en" }];
  const claimDisplay = (path: string, it: string, en: string) => ({ path: [path], display: [{ name: it, locale: "it-IT" }, { name: en, locale: "en" }] });

  /** Offered and issued only while the status list would say valid (the same question to the chain). */
  const ensureEntitled = async (subject: string, benefit: string) => {
    const day = todayOf(clock);
    const { status, reason } = await statusLists.chainStatus(subject, benefit, day);
    return { day, eligible: status === STATUS.VALID, reason };
  };

  return {
    /** OpenID4VCI credential issuer metadata (/.well-known/openid-credential-issuer + path). */
    issuerMetadata() {
      const configuration = (id: ConfigurationId, claims: ReturnType<typeof claimDisplay>[]) => ({
        format: CREDENTIAL_FORMAT,
        vct: CONFIGURATIONS[id].vct,
        scope: id,
        cryptographic_binding_methods_supported: ["jwk"],
        credential_signing_alg_values_supported: [SIGNING_ALG],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: [SIGNING_ALG] } },
        credential_metadata: { display: display(id), claims },
      });
      return {
        credential_issuer: deps.issuer(),
        credential_endpoint: endpoint("/credential"),
        nonce_endpoint: endpoint("/nonce"),
        display: [{ name: "PA Chain", locale: "it-IT" }, { name: "PA Chain", locale: "en" }],
        credential_configurations_supported: {
          EuropeanDisabilityCard: configuration("EuropeanDisabilityCard", [
            claimDisplay("card_valid", "Carta valida", "Card valid"),
            claimDisplay("issuing_country", "Paese di rilascio", "Issuing country"),
            claimDisplay("issued_on", "Rilasciata il", "Issued on"),
          ]),
          BenefitEntitlement: configuration("BenefitEntitlement", [
            claimDisplay("benefit", "Codice della prestazione", "Benefit code"),
            claimDisplay("benefit_name", "Prestazione", "Benefit"),
            claimDisplay("entitled", "Diritto confermato", "Entitled"),
            claimDisplay("issuing_country", "Paese di rilascio", "Issuing country"),
            claimDisplay("issued_on", "Rilasciata il", "Issued on"),
          ]),
        },
      };
    },

    /** OAuth 2.0 authorisation server metadata (RFC 8414): the issuer is its own token endpoint. */
    authorizationServerMetadata() {
      return {
        issuer: deps.issuer(),
        token_endpoint: endpoint("/token"),
        grant_types_supported: [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": true,
        token_endpoint_auth_methods_supported: ["none"],
      };
    },

    /** SD-JWT VC issuer metadata (/.well-known/jwt-vc-issuer + path): the keys that sign credentials and status lists. */
    jwtVcIssuerMetadata(): { issuer: string; jwks: { keys: JWK[] } } {
      return { issuer: deps.issuer(), jwks: { keys: [key.publicJwk] } };
    },

    /** An offer of one credential the chain backs for this person today, with its QR code. */
    async createOffer(subject: string, requested: string) {
      const benefit = benefitByCode(catalog, requested).code;
      const check = await ensureEntitled(subject, benefit);
      if (!check.eligible) {
        throw new PaChainError("CONFLICT", `not entitled to ${benefit} on ${formatIsoDate(check.day)} (${check.reason}): there is nothing to put in a wallet`, { status: 409 });
      }
      const code = random();
      const configuration = configurationFor(benefit);
      const expiresAt = now() + OFFER_TTL_SECONDS;
      offers.put(code, { subject, benefit, configuration }, expiresAt, now());
      const offer: CredentialOffer = {
        credential_issuer: deps.issuer(),
        credential_configuration_ids: [configuration],
        grants: { [PRE_AUTHORIZED_GRANT]: { "pre-authorized_code": code } },
      };
      const uri = offerUri(offer);
      return {
        offer,
        offerUri: uri,
        benefit,
        expiresAt: new Date(expiresAt * 1000).toISOString(),
        qrSvg: await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 4 }),
        issuerMetadataUrl: wellKnownUrl(deps.issuer(), "openid-credential-issuer"),
      };
    },

    /** Token endpoint: a pre-authorised code (once) → a short-lived access token. */
    token(form: { grant_type?: string; "pre-authorized_code"?: string; tx_code?: string }) {
      if (form.grant_type !== PRE_AUTHORIZED_GRANT) throw new OAuthError("unsupported_grant_type", `grant_type must be ${PRE_AUTHORIZED_GRANT}`);
      const code = form["pre-authorized_code"];
      if (!code) throw new OAuthError("invalid_request", "pre-authorized_code is missing");
      const grant = offers.get(code, now(), true);
      if (!grant) throw new OAuthError("invalid_grant", "the pre-authorised code is unknown, expired or already used");
      const accessToken = random();
      tokens.put(accessToken, grant, now() + ACCESS_TOKEN_TTL_SECONDS, now());
      return { access_token: accessToken, token_type: "Bearer" as const, expires_in: ACCESS_TOKEN_TTL_SECONDS };
    },

    /** Nonce endpoint: a fresh c_nonce for the next key proof. */
    nonce() {
      const cNonce = random();
      nonces.put(cNonce, true, now() + C_NONCE_TTL_SECONDS, now());
      return { c_nonce: cNonce };
    },

    /** Credential endpoint: one SD-JWT VC bound to the key of the proof. */
    async credential(authorization: string | undefined, request: { credential_configuration_id?: string; credential_identifier?: string; proofs?: { jwt?: string[] } }) {
      const accessToken = /^(?:Bearer|DPoP)\s+(\S+)$/i.exec(authorization ?? "")?.[1];
      const grant = accessToken ? tokens.get(accessToken, now()) : undefined;
      if (!grant) throw new OAuthError("invalid_token", "the access token is missing, unknown or expired", 401);
      if (request.credential_configuration_id !== grant.configuration) {
        throw new OAuthError("invalid_credential_request", `this access token is for credential_configuration_id ${grant.configuration}`);
      }
      const proofs = request.proofs?.jwt ?? [];
      if (proofs.length !== 1) throw new OAuthError("invalid_proof", "exactly one proofs.jwt is required (one credential per offer)");
      const holderKey = await verifyKeyProof(proofs[0]);
      const check = await ensureEntitled(grant.subject, grant.benefit);
      if (!check.eligible) throw new OAuthError("credential_request_denied", `the chain no longer backs ${grant.benefit} (${check.reason})`);
      tokens.get(accessToken!, now(), true); // one credential per offer: the token is spent
      const iat = now();
      const entry = await statusLists.allocate({
        subject: grant.subject, benefit: grant.benefit, configuration: grant.configuration, issuedAt: iat, expiresAt: iat + CREDENTIAL_TTL_SECONDS,
      });
      const list = await statusLists.current();
      const claims = credentialClaims(grant.benefit, check.day);
      const credential = await (await sdJwtVc()).issue(
        {
          iss: deps.issuer(),
          iat,
          exp: iat + CREDENTIAL_TTL_SECONDS,
          vct: CONFIGURATIONS[grant.configuration].vct,
          cnf: { jwk: holderKey },
          status: { status_list: { idx: entry.idx, uri: statusListUriOf(list.listId) } },
          ...claims,
        },
        { _sd: Object.keys(claims) } as never,
        { header: { kid: String(key.publicJwk.kid) } },
      );
      return { credentials: [{ credential }] };
    },
  };

  function statusListUriOf(listId: number) {
    return endpoint(`/status-lists/${listId}`);
  }

  /** The holder's public key from a valid OpenID4VCI key proof (typ, alg, aud, fresh, our c_nonce once). */
  async function verifyKeyProof(proof: string): Promise<JWK> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(proof);
    } catch {
      throw new OAuthError("invalid_proof", "the key proof is not a JWT");
    }
    if (header.typ !== PROOF_JWT_TYPE || header.alg !== SIGNING_ALG || !header.jwk || "d" in header.jwk) {
      throw new OAuthError("invalid_proof", `the key proof needs typ ${PROOF_JWT_TYPE}, alg ${SIGNING_ALG} and the public key in jwk`);
    }
    const jwk = publicPart(header.jwk as JWK);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(proof, await importJWK(jwk, SIGNING_ALG), {
        audience: deps.issuer(), algorithms: [SIGNING_ALG], currentDate: new Date(clock.nowMs()), maxTokenAge: PROOF_MAX_AGE_SECONDS, clockTolerance: 30,
      }));
    } catch (error) {
      throw new OAuthError("invalid_proof", `the key proof does not verify: ${(error as Error).message}`);
    }
    if (typeof payload.nonce !== "string" || !nonces.get(payload.nonce, now(), true)) {
      throw new OAuthError("invalid_nonce", "the key proof's nonce is not a current c_nonce of this issuer (ask /nonce)");
    }
    return jwk;
  }
}

export type CredentialIssuer = ReturnType<typeof createCredentialIssuer>;
