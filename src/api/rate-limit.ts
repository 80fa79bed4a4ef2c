// Token-bucket rate limiting per client: a client is its bearer token when it sends one (each
// person or staff member), else its address. Each bucket holds `burst` requests and refills at
// `perSecond`; an empty bucket answers 429 with Retry-After. Buckets idle long enough to be full
// again are dropped, so memory stays bounded by the clients active in the last minute.
import { createHash } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { PaChainError } from "../errors.ts";

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Injected clock, milliseconds. */
  now?: () => number;
}

const SWEEP_EVERY = 10_000;

export function createRateLimiter(options: RateLimitOptions) {
  const { perSecond, burst, now = Date.now } = options;
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

  const clientOf = (req: Request) => {
    const authorization = req.header("authorization");
    return authorization ? `t:${createHash("sha256").update(authorization).digest("base64url").slice(0, 22)}` : `a:${req.socket.remoteAddress ?? "?"}`;
  };

  /** The client's quota after its last request: tokens left and seconds until its bucket is full. */
  const quota = (client: string) => {
    const bucket = buckets.get(client);
    const remaining = Math.max(0, Math.floor(bucket?.tokens ?? burst));
    return { remaining, resetSeconds: Math.ceil((burst - (bucket?.tokens ?? burst)) / perSecond) };
  };

  return {
    take,
    size: () => buckets.size,
    middleware(req: Request, res: Response, next: NextFunction) {
      const client = clientOf(req);
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
