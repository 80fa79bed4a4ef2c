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

  return {
    take,
    size: () => buckets.size,
    middleware(req: Request, res: Response, next: NextFunction) {
      const wait = take(clientOf(req));
      if (wait === 0) return next();
      res.setHeader("retry-after", String(wait));
      next(new PaChainError("RATE_LIMITED", `too many requests: retry in ${wait} s`, { status: 429, retryable: true }));
    },
  };
}
