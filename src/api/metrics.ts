// Prometheus metrics of the read API: requests by route and status, and their latency (pages and
// their assets included, by route, never by a value from the path). Node.js's default metrics are
// kept except three gauges prom-client names with a counter's `_total` suffix, which
// `promtool check metrics` refuses (their counts are also in the same names without it).
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface ApiMetrics {
  registry: Registry;
  requests: Counter<"method" | "route" | "status">;
  duration: Histogram<"method" | "route">;
}

const PREFIX = "pachain_api_";

export function createApiMetrics(registry = new Registry()): ApiMetrics {
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  // prom-client also publishes these three as gauges named like counters (`_total`), which
  // `promtool check metrics` refuses; the same counts stay in nodejs_active_{handles,requests,resources}.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    registry.removeSingleMetric(PREFIX + name);
  }
  return {
    registry,
    requests: new Counter({ name: "pachain_api_requests_total", help: "Requests answered, by route and status", labelNames: ["method", "route", "status"], registers: [registry] }),
    duration: new Histogram({
      name: "pachain_api_request_duration_seconds", help: "Time to answer, by route", labelNames: ["method", "route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
  };
}
