// Prometheus metrics of the read API: requests by route and status, and their latency.
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface ApiMetrics {
  registry: Registry;
  requests: Counter<"method" | "route" | "status">;
  duration: Histogram<"method" | "route">;
}

export function createApiMetrics(registry = new Registry()): ApiMetrics {
  collectDefaultMetrics({ register: registry, prefix: "pachain_api_" });
  return {
    registry,
    requests: new Counter({ name: "pachain_api_requests_total", help: "Requests answered, by route and status", labelNames: ["method", "route", "status"], registers: [registry] }),
    duration: new Histogram({
      name: "pachain_api_request_duration_seconds", help: "Time to answer, by route", labelNames: ["method", "route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
  };
}
