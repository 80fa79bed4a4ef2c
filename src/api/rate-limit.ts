// Token-bucket rate limiting per client: a client is its verified identity (role and subject of a
// token that verifies), else its address; an unverifiable Authorization header counts as no token,
// so random header values earn no fresh buckets. Public routes (proof verification) spend their own
// budget per address. Each bucket holds `burst` requests and refills at
// `perSecond`; an empty bucket answers 429 with Retry-After. Buckets idle long enough to be full
// again are dropped, so memory stays bounded by the clients active in the last minute.
import { createHash } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { PaChainError } from "../errors.ts";
import type { Authenticator } from "./auth.ts";

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Injected clock, milliseconds. */
  now?: () => number;
}

/** Who a request is to a limiter: a stable key, never the raw credential. */
export type ClientKey = (req: Request) => string | Promise<string>;

/** The client's address: the key of requests without a verified identity, and of public routes. */
export const addressOf: ClientKey = (req) => `a:${req.socket.remoteAddress ?? "?"}`;

/**
 * The verified identity (role and subject, hashed) when the bearer token verifies, else the
 * address: keying on the header itself gave every random value its own bucket.
 */
export function identityOf(auth: Pick<Authenticator, "verify">): ClientKey {
  return async (req) => {
    const authorization = req.header("authorization");
    if (authorization) {
      try {
        const who = await auth.verify(authorization);
        return `p:${who.role}:${createHash("sha256").update(who.fiscalCode).digest("base64url").slice(0, 22)}`;
      } catch {
        // An invalid token is refused by its route; for the limiter it is no identity.
      }
    }
    return addressOf(req);
  };
}

const SWEEP_EVERY = 10_000;

export function createRateLimiter(options: RateLimitOptions & { clientOf?: ClientKey }) {
  const { perSecond, burst, now = Date.now, clientOf = addressOf } = options;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let calls = 0;

  const sweep = (t: number) => {
    const refillMs = (burst / perSecond) * 1000;
    for (const [key, bucket] of buckets) if (t - bucket.at > refillMs) buckets.delete(key);
  };

  /** Takes one token from the client's bucket; returns the seconds to wait when there is none. */
  function take(client: string): number {
    const t = now();
    if (++calls % SWEEP_EVERY === 0) sweep(t);
    const bucket = buckets.get(client) ?? { tokens: burst, at: t };
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
    bucket.at = t;
    buckets.set(client, bucket);
    if (bucket.tokens < 1) return Math.ceil((1 - bucket.tokens) / perSecond);
    bucket.tokens -= 1;
    return 0;
  }

  return {
    take,
    size: () => buckets.size,
    async middleware(req: Request, res: Response, next: NextFunction) {
      const wait = take(await clientOf(req));
      if (wait === 0) return next();
      res.setHeader("retry-after", String(wait));
      next(new PaChainError("RATE_LIMITED", `too many requests: retry in ${wait} s`, { status: 429, retryable: true }));
    },
  };
}
