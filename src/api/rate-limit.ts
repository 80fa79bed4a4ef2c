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

  /** The client's quota after its last request: tokens left and seconds until its bucket is full. */
  const quota = (client: string) => {
    const bucket = buckets.get(client);
    const remaining = Math.max(0, Math.floor(bucket?.tokens ?? burst));
    return { remaining, resetSeconds: Math.ceil((burst - (bucket?.tokens ?? burst)) / perSecond) };
  };

  return {
    take,
    size: () => buckets.size,
    async middleware(req: Request, res: Response, next: NextFunction) {
      const client = await clientOf(req);
      const wait = take(client);
      setRateLimitHeaders(res, { limit: burst, windowSeconds: Math.ceil(burst / perSecond), ...quota(client) });
      if (wait === 0) return next();
      res.setHeader("retry-after", String(wait));
      next(new PaChainError("RATE_LIMITED", `too many requests: retry in ${wait} s`, { status: 429, retryable: true }));
    },
  };
}

/**
 * The client's quota on every answer: the RateLimit-Limit/-Remaining/-Reset triple AgID's
 * guidelines name, and the IETF draft's RateLimit and RateLimit-Policy fields
 * (draft-ietf-httpapi-ratelimit-headers), so clients can slow down before a 429.
 */
export function setRateLimitHeaders(res: Response, q: { limit: number; windowSeconds: number; remaining: number; resetSeconds: number }): void {
  res.setHeader("ratelimit-limit", String(q.limit));
  res.setHeader("ratelimit-remaining", String(q.remaining));
  res.setHeader("ratelimit-reset", String(q.resetSeconds));
  res.setHeader("ratelimit", `"default";r=${q.remaining};t=${q.resetSeconds}`);
  res.setHeader("ratelimit-policy", `"default";q=${q.limit};w=${q.windowSeconds}`);
}
