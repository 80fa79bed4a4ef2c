// The shapes PA Chain's credentials speak, shared by the issuer and verifier (src/api) and the demo
// wallet (src/wallet): OpenID4VCI 1.0 (pre-authorised code flow, `proofs.jwt`), SD-JWT VC
// (`dc+sd-jwt`), IETF Token Status List (`statuslist+jwt`) and the key-binding JWT of a presentation.
// Constants and URL derivations only: the SD-JWT and status-list work is done by the @sd-jwt libraries.

export const CREDENTIAL_FORMAT = "dc+sd-jwt";
export const PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/** JOSE `typ` of an OpenID4VCI key proof. */
export const PROOF_JWT_TYPE = "openid4vci-proof+jwt";
export const STATUS_LIST_TYPE = "statuslist+jwt";
export const STATUS_LIST_MEDIA_TYPE = "application/statuslist+jwt";
export const SIGNING_ALG = "ES256";
/** The path of the credential issuer identifier under the API's public address. */
export const ISSUER_PATH = "/credentials";

/** Credential configurations (OpenID4VCI `credential_configurations_supported` keys) and their types. */
export const CONFIGURATIONS = {
  EuropeanDisabilityCard: { vct: "urn:it:pa-chain:vct:european-disability-card:1" },
  BenefitEntitlement: { vct: "urn:it:pa-chain:vct:benefit-entitlement:1" },
} as const;
export type ConfigurationId = keyof typeof CONFIGURATIONS;
export const DISABILITY_CARD_BENEFIT = "EU_DISABILITY_CARD";

/** The catalog benefit code a credential attests: the card itself, or the entitlement's benefit. */
export function configurationFor(benefit: string): ConfigurationId {
  return benefit === DISABILITY_CARD_BENEFIT ? "EuropeanDisabilityCard" : "BenefitEntitlement";
}

/** IETF Token Status List values with 2 bits per credential. */
export const STATUS = { VALID: 0, INVALID: 1, SUSPENDED: 2 } as const;
export type StatusName = keyof typeof STATUS;
export const STATUS_BITS = 2;

export function statusName(value: number): StatusName | "UNKNOWN" {
  return (Object.entries(STATUS).find(([, v]) => v === value)?.[0] as StatusName | undefined) ?? "UNKNOWN";
}

/**
 * A well-known URL of an identifier (RFC 8615 as OpenID4VCI, RFC 8414 and SD-JWT VC apply it):
 * `/.well-known/<name>` goes between the host and the identifier's path, so
 * https://host/credentials → https://host/.well-known/openid-credential-issuer/credentials.
 */
export function wellKnownUrl(identifier: string, name: "openid-credential-issuer" | "oauth-authorization-server" | "jwt-vc-issuer"): string {
  const url = new URL(identifier);
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.origin}/.well-known/${name}${path}`;
}

export interface CredentialOffer {
  credential_issuer: string;
  credential_configuration_ids: string[];
  grants: { [PRE_AUTHORIZED_GRANT]: { "pre-authorized_code": string } };
}

/** The offer as the URI a wallet scans (credential offer by value). */
export function offerUri(offer: CredentialOffer): string {
  return `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`;
}

/** An offer from the scanned URI, the bare JSON, or any text holding the URI. */
export function parseOffer(text: string): CredentialOffer {
  const trimmed = text.trim();
  let json = trimmed;
  const match = /credential_offer=([^&\s]+)/.exec(trimmed);
  if (match) json = decodeURIComponent(match[1]);
  const offer = JSON.parse(json) as CredentialOffer;
  if (typeof offer?.credential_issuer !== "string" || !Array.isArray(offer.credential_configuration_ids)
    || typeof offer.grants?.[PRE_AUTHORIZED_GRANT]?.["pre-authorized_code"] !== "string") {
    throw new Error("not an OpenID4VCI credential offer with a pre-authorised code");
  }
  return offer;
}

/** What a verifier asks a wallet for (the request's parameters, as OpenID4VP names them). */
export interface PresentationRequest {
  response_type: "vp_token";
  client_id: string;
  nonce: string;
  /** DCQL: one SD-JWT VC of PA Chain's types. */
  dcql_query: { credentials: Array<{ id: string; format: typeof CREDENTIAL_FORMAT; meta: { vct_values: string[] } }> };
}

export function presentationRequestUri(request: PresentationRequest): string {
  return `openid4vp://?client_id=${encodeURIComponent(request.client_id)}&nonce=${encodeURIComponent(request.nonce)}`
    + `&response_type=vp_token&dcql_query=${encodeURIComponent(JSON.stringify(request.dcql_query))}`;
}

/** A request from its openid4vp:// URI or its JSON. */
export function parsePresentationRequest(text: string): { client_id: string; nonce: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    const parsed = JSON.parse(trimmed) as { client_id?: unknown; nonce?: unknown; request?: { client_id?: unknown; nonce?: unknown } };
    const r = parsed.request ?? parsed;
    if (typeof r.client_id === "string" && typeof r.nonce === "string") return { client_id: r.client_id, nonce: r.nonce };
    throw new Error("the request has no client_id and nonce");
  }
  const query = new URLSearchParams(trimmed.slice(trimmed.indexOf("?") + 1));
  const client_id = query.get("client_id");
  const nonce = query.get("nonce");
  if (!client_id || !nonce) throw new Error("the request has no client_id and nonce");
  return { client_id, nonce };
}
