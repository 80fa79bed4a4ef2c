// Bearer JWT authentication of the read API. Production verifies tokens of a configured OIDC
// issuer (SPID/CIE identity providers) through its JWKS; demo mode signs its own tokens (HS256)
// so a person can try every role. A citizen token's subject is the person's fiscal code.
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from "jose";
import { z } from "zod/v4";
import { parseFiscalCode } from "../domain/fiscal-code.ts";
import { PaChainError } from "../errors.ts";

export const ROLES = ["citizen", "auditor", "commission", "operator", "patronato"] as const;
export type ApiRole = (typeof ROLES)[number];

export interface Principal {
  role: ApiRole;
  /** Upper-cased fiscal code: the citizen's own, or the staff member's. */
  fiscalCode: string;
  /** The organisation the staff member acts for (a commission's or a patronato's on-chain id); undefined for citizens. */
  organisation?: number;
}

const DEMO_ISSUER = "pa-chain-demo";
const AUDIENCE = "pa-chain-api";
const TOKEN_TTL = "1h";
/** Default longest lifetime (exp − iat) a token may have: a stolen token is worth a working day at most. */
export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 12 * 3600;

const claims = z.object({
  role: z.enum(ROLES), sub: z.string(), org: z.number().int().positive().optional(),
  // unix seconds; both required: a token without exp never expires.
  exp: z.number(), iat: z.number(),
});

export interface Authenticator {
  /** Demo mode only: a token for any role, as a stand-in for SPID/CIE. */
  issueDemoToken(role: ApiRole, fiscalCode: string, organisation?: number): Promise<string>;
  verify(authorization: string | undefined): Promise<Principal>;
}

/**
 * Verified tokens kept, so that a client's next request with the same token skips the signature
 * check: jose verifies an HS256/RS256 signature through WebCrypto, an asynchronous job that was
 * the largest single cost of a warm read (about a quarter of the API's CPU; docs/performance.md,
 * Reads). Only successes are kept, keyed by the whole token; an entry serves until the token's
 * exp or its longest lifetime, and at most VERIFIED_TOKEN_TTL_MS, after which the token is
 * verified again (an issuer's key removed from its JWKS stops its tokens within that time, on top
 * of jose's own JWKS cache).
 */
const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKENS_MAX = 10_000;

export function createAuthenticator(options: { demoKey?: Uint8Array; jwksUrl?: string; issuer?: string; maxLifetimeSeconds?: number }): Authenticator {
  const { demoKey, jwksUrl, issuer, maxLifetimeSeconds = DEFAULT_TOKEN_MAX_LIFETIME_SECONDS } = options;
  const remote: JWTVerifyGetKey | undefined = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : undefined;
  const unauthenticated = (message: string) => new PaChainError("UNAUTHENTICATED", message, { status: 401 });
  const verified = new Map<string, { principal: Principal; validUntilMs: number }>();

  return {
    async issueDemoToken(role, fiscalCode, organisation) {
      if (!demoKey) throw new PaChainError("NOT_FOUND", "demo tokens are off (demo mode is not configured)", { status: 404 });
      return new SignJWT(organisation === undefined ? { role } : { role, org: organisation })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(parseFiscalCode(fiscalCode, "fiscalCode"))
        .setIssuer(DEMO_ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(TOKEN_TTL)
        .sign(demoKey);
    },
    async verify(authorization) {
      const token = authorization?.match(/^Bearer (\S+)$/)?.[1];
      if (!token) throw unauthenticated("missing bearer token (Authorization: Bearer …)");
      // Token times are unix seconds of the real clock, as jose checks them (not the domain's clock).
      const nowMs = Date.now();
      const known = verified.get(token);
      if (known && nowMs < known.validUntilMs) return { ...known.principal };
      if (known) verified.delete(token);
      const checked = await verifyToken(token);
      if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!);
      verified.set(token, { principal: checked.principal, validUntilMs: Math.min(nowMs + VERIFIED_TOKEN_TTL_MS, checked.validUntilMs) });
      return { ...checked.principal };
    },
  };

  async function verifyToken(token: string): Promise<{ principal: Principal; validUntilMs: number }> {
    let payload: unknown;
    try {
      // exp and iat are required, and iat no older than the longest lifetime (jose also refuses an iat in the future).
      const checks = { audience: AUDIENCE, requiredClaims: ["exp", "iat"], maxTokenAge: maxLifetimeSeconds };
      if (remote) payload = (await jwtVerify(token, remote, { ...checks, issuer })).payload;
      else if (demoKey) payload = (await jwtVerify(token, demoKey, { ...checks, issuer: DEMO_ISSUER })).payload;
      else throw new Error("no token issuer configured");
    } catch (error) {
      throw unauthenticated(`invalid token: ${(error as Error).message}`);
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) throw unauthenticated("token lacks a known role or a subject");
    const { role, sub, org, exp, iat } = parsed.data;
    if (exp - iat > maxLifetimeSeconds) throw unauthenticated(`token lifetime (exp − iat) exceeds ${maxLifetimeSeconds} s`);
    if (role === "commission" && org === undefined) throw unauthenticated("a commission token must name its commission (claim org)");
    if (role === "patronato" && org === undefined) throw unauthenticated("a patronato token must name its patronato (claim org)");
    const principal: Principal = { role, fiscalCode: parseFiscalCode(sub, "sub"), ...(org === undefined ? {} : { organisation: org }) };
    // jose refuses a token at exp and once now − iat exceeds the longest lifetime.
    return { principal, validUntilMs: Math.min(exp * 1000, (iat + maxLifetimeSeconds + 1) * 1000) };
  }
}
