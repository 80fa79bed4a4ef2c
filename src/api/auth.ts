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

export function createAuthenticator(options: { demoKey?: Uint8Array; jwksUrl?: string; issuer?: string; maxLifetimeSeconds?: number }): Authenticator {
  const { demoKey, jwksUrl, issuer, maxLifetimeSeconds = DEFAULT_TOKEN_MAX_LIFETIME_SECONDS } = options;
  const remote: JWTVerifyGetKey | undefined = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : undefined;
  const unauthenticated = (message: string) => new PaChainError("UNAUTHENTICATED", message, { status: 401 });

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
      return { role, fiscalCode: parseFiscalCode(sub, "sub"), ...(org === undefined ? {} : { organisation: org }) };
    },
  };
}
