// Credentials: the OpenID4VCI issuer (metadata at the well-known locations derived from the issuer
// identifier, token, nonce and credential endpoints), the status lists it publishes and their
// on-chain anchors, the citizen's credential offers, and the verifier's presentation requests and
// checks. The issuer identifier is the API's public address + /credentials, so its metadata lives
// at /.well-known/<name>/credentials (the well-known segment goes between host and path).
import { z } from "zod/v4";
import { ISSUER_PATH, PRE_AUTHORIZED_GRANT, STATUS_LIST_MEDIA_TYPE } from "../../credentials/protocol.ts";
import { reply, route, type RouteSpec } from "../route.ts";
import type { ApiServices } from "../services.ts";
import { OAuthError } from "../services/credentials.ts";

const text = z.object({ it: z.string(), en: z.string() });
const oauthError = z.object({ error: z.string(), error_description: z.string() }).meta({ id: "OAuthError" });
const jwk = z.record(z.string(), z.unknown());
const isoTime = z.string().meta({ description: "ISO 8601 UTC time" });

/** OAuth endpoints answer OAuth's error shape ({error, error_description}), as wallets expect. */
async function oauth<T>(work: () => Promise<T> | T) {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OAuthError) return reply({ status: error.status, body: { error: error.error, error_description: error.description } });
    throw error;
  }
}

const presentationCheck = z.object({
  verdict: z.enum(["valid", "not-valid", "refused"]).meta({ description: "valid; not-valid (the status list says revoked or suspended); refused (the presentation cannot be trusted)" }),
  reason: z.string().meta({ description: "VALID, REVOKED, SUSPENDED, or why it was refused: MALFORMED, FOREIGN_ISSUER, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID, UNKNOWN_REQUEST, REPLAYED, WRONG_AUDIENCE, NO_KEY_BINDING, WRONG_HOLDER_KEY, STALE_KEY_BINDING, TAMPERED_DISCLOSURE, STATUS_LIST_INVALID, STATUS_LIST_NOT_ANCHORED" }),
  headline: text.meta({ description: "e.g. Carta valida / Carta non valida" }),
  message: text,
  claims: z.array(z.object({ name: z.string(), text: text.meta({ description: "The disclosed claim in plain words, e.g. Carta europea della disabilità: valida" }) })),
  credentialType: z.enum(["EuropeanDisabilityCard", "BenefitEntitlement"]).nullable(),
  expiresAt: isoTime.nullable(),
  status: z.object({
    value: z.string().meta({ description: "VALID, INVALID or SUSPENDED (IETF Token Status List, 2 bits)" }),
    uri: z.string(),
    idx: z.number().int(),
    listHash: z.string().meta({ description: "SHA-256 of the status list JWT checked" }),
    anchor: z.object({
      contract: z.string(),
      version: z.number().int(),
      transaction: z.string().nullable().meta({ description: "The transaction that anchored this list" }),
      block: z.number().int().nullable(),
    }),
  }).nullable(),
}).meta({ id: "PresentationCheck" });

export function credentialRoutes(s: ApiServices): RouteSpec[] {
  const c = () => s.credentials();
  return [
    route({
      method: "get", path: `/.well-known/openid-credential-issuer${ISSUER_PATH}`, tag: "credentials", roles: "public",
      summary: "OpenID4VCI credential issuer metadata",
      response: z.object({ credential_issuer: z.string(), credential_endpoint: z.string(), nonce_endpoint: z.string() }).catchall(z.unknown()),
      handle: async () => c().issuer.issuerMetadata(),
    }),
    route({
      method: "get", path: `/.well-known/oauth-authorization-server${ISSUER_PATH}`, tag: "credentials", roles: "public",
      summary: "OAuth 2.0 authorisation server metadata of the issuer (its token endpoint)",
      response: z.object({ issuer: z.string(), token_endpoint: z.string() }).catchall(z.unknown()),
      handle: async () => c().issuer.authorizationServerMetadata(),
    }),
    route({
      method: "get", path: `/.well-known/jwt-vc-issuer${ISSUER_PATH}`, tag: "credentials", roles: "public",
      summary: "SD-JWT VC issuer metadata: the keys that sign credentials and status lists",
      response: z.object({ issuer: z.string(), jwks: z.object({ keys: z.array(jwk) }) }),
      handle: async () => c().issuer.jwtVcIssuerMetadata(),
    }),
    route({
      method: "post", path: `${ISSUER_PATH}/token`, tag: "credentials", roles: "public", consumes: "application/x-www-form-urlencoded",
      summary: "Token endpoint: a credential offer's pre-authorised code (single use) → a short-lived access token",
      body: z.object({
        grant_type: z.string().meta({ description: PRE_AUTHORIZED_GRANT }),
        "pre-authorized_code": z.string().max(200).optional(),
        tx_code: z.string().max(200).optional(),
      }),
      response: z.union([z.object({ access_token: z.string(), token_type: z.literal("Bearer"), expires_in: z.number().int() }), oauthError]),
      handle: ({ body }) => oauth(() => c().issuer.token(body)),
    }),
    route({
      method: "post", path: `${ISSUER_PATH}/nonce`, tag: "credentials", roles: "public",
      summary: "Nonce endpoint: a fresh c_nonce for the next key proof",
      response: z.object({ c_nonce: z.string() }),
      handle: async () => c().issuer.nonce(),
    }),
    route({
      method: "post", path: `${ISSUER_PATH}/credential`, tag: "credentials", roles: "public",
      summary: "Credential endpoint: one SD-JWT VC (dc+sd-jwt) bound to the key of an ES256 key proof",
      description: "Authorization: Bearer <access token from /token>. Body: credential_configuration_id and proofs.jwt (one openid4vci-proof+jwt with the holder's public key in its header and a c_nonce from /nonce).",
      body: z.object({
        credential_configuration_id: z.string().max(100).optional(),
        credential_identifier: z.string().max(100).optional(),
        proofs: z.object({ jwt: z.array(z.string().max(4000)).max(10).optional() }).optional(),
      }),
      response: z.union([z.object({ credentials: z.array(z.object({ credential: z.string() })) }), oauthError]),
      // Public to the API's own login: the credential endpoint takes its own access token.
      handle: ({ body, header }) => oauth(() => c().issuer.credential(header("authorization"), body)),
    }),
    route({
      method: "get", path: `${ISSUER_PATH}/status-lists/:listId`, tag: "credentials", roles: "public", produces: STATUS_LIST_MEDIA_TYPE,
      summary: "A status list (IETF Token Status List, 2 bits per credential) as a signed statuslist+jwt",
      description: "The headers name the anchoring: PA-Chain-List-Hash (SHA-256 of this JWT), PA-Chain-Anchor-Transaction, PA-Chain-Anchor-Block, PA-Chain-Anchor-Contract. GET /v1/status-lists/{listId}/anchor answers the same as JSON.",
      params: z.object({ listId: z.coerce.number().int().min(1) }),
      response: z.string(),
      async handle({ params }) {
        const list = await c().statusList(params.listId);
        return reply({
          raw: { contentType: STATUS_LIST_MEDIA_TYPE, text: list.jwt },
          headers: {
            "pa-chain-list-hash": list.listHash, "pa-chain-anchor-transaction": list.txHash, "pa-chain-anchor-block": String(list.block),
            "pa-chain-anchor-contract": c().anchorContract, "cache-control": "max-age=0, must-revalidate",
          },
        });
      },
    }),
    route({
      method: "get", path: "/v1/status-lists/:listId/anchor", tag: "credentials", roles: "public",
      summary: "Where the status list now served is anchored on chain: its hash, version, transaction and block",
      params: z.object({ listId: z.coerce.number().int().min(1) }),
      response: z.object({
        listId: z.number().int(), uri: z.string(), listHash: z.string(), version: z.number().int(), issuedAt: isoTime,
        transaction: z.string(), block: z.number().int(), contract: z.string(),
      }),
      async handle({ params }) {
        const list = await c().statusList(params.listId);
        return {
          listId: list.listId, uri: c().statusListUri(list.listId), listHash: list.listHash, version: list.version,
          issuedAt: new Date(list.issuedAt * 1000).toISOString(), transaction: list.txHash, block: list.block ?? 0, contract: c().anchorContract,
        };
      },
    }),
    route({
      method: "post", path: "/v1/me/credential-offers", tag: "citizen", roles: ["citizen"],
      summary: "Offer me a credential for my wallet (OpenID4VCI pre-authorised code), with its QR code",
      description: "EU_DISABILITY_CARD: the European Disability Card; any other benefit code: an attestation of entitlement to it. 409 when the chain does not back it today. The credential reveals no percentage, category or diagnosis.",
      body: z.object({ benefit: z.string().max(64).meta({ description: "EU_DISABILITY_CARD or a benefit code" }) }).strict(),
      response: z.object({
        offer: z.object({ credential_issuer: z.string(), credential_configuration_ids: z.array(z.string()), grants: z.record(z.string(), z.unknown()) }),
        offerUri: z.string().meta({ description: "openid-credential-offer://?credential_offer=… (what the QR code holds)" }),
        benefit: z.string(),
        expiresAt: isoTime,
        qrSvg: z.string(),
        issuerMetadataUrl: z.string(),
      }),
      status: 201,
      handle: ({ body, who }) => c().issuer.createOffer(s.people.self(who!), body.benefit),
    }),
    route({
      method: "post", path: "/v1/presentations/requests", tag: "credentials", roles: "public",
      summary: "A presentation request for a wallet: a fresh nonce (one presentation) and the audience to sign for",
      body: z.object({ audience: z.string().min(3).max(300).optional().meta({ description: "The verifier's identifier; default: this site's /verifica" }) }).strict(),
      response: z.object({
        nonce: z.string(), audience: z.string(), expiresAt: isoTime,
        request: z.object({ response_type: z.string(), client_id: z.string(), nonce: z.string(), dcql_query: z.unknown() }),
        requestUri: z.string(), qrSvg: z.string(),
      }),
      status: 201,
      handle: ({ body }) => c().verifier.createRequest(body.audience),
    }),
    route({
      method: "post", path: "/v1/presentations/verify", tag: "credentials", roles: "public",
      summary: "Verify an SD-JWT VC presentation with its key-binding JWT: issuer, holder, expiry, request, status list and its anchor",
      description: "Answers only the disclosed claims, in plain Italian and English. A nonce serves one presentation: a replay is refused. The check is shown to the person in their access log.",
      body: z.object({ presentation: z.string().min(1).max(12_000).meta({ description: "The presentation (issuer JWT~disclosures~key-binding JWT), or text containing it" }) }).strict(),
      response: presentationCheck,
      // The check is shown to the person (their access log) by the service.
      handle: ({ body }) => s.verifyPresentation(body.presentation),
    }),
  ];
}
