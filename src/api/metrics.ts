// Prometheus metrics of the read API: requests by route and status, and their latency (pages and
// their assets included, by route, never by a value from the path). Node.js's default metrics are
// kept except three gauges prom-client names with a counter's `_total` suffix, which
// `promtool check metrics` refuses; they are published under names without it.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface ApiMetrics {
  registry: Registry;
  requests: Counter<"method" | "route" | "status">;
  duration: Histogram<"method" | "route">;
}

const PREFIX = "pachain_api_";

export function createApiMetrics(registry = new Registry()): ApiMetrics {
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  for (const [old, name, help, count] of [
    ["nodejs_active_handles_total", "nodejs_active_handles", "Active libuv handles", () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length],
    ["nodejs_active_requests_total", "nodejs_active_requests", "Active libuv requests", () => (process as unknown as { _getActiveRequests(): unknown[] })._getActiveRequests().length],
    ["nodejs_active_resources_total", "nodejs_active_resources", "Active resources keeping the event loop alive", () => process.getActiveResourcesInfo().length],
  ] as const) {
    registry.removeSingleMetric(PREFIX + old);
    new Gauge({ name: PREFIX + name, help, registers: [registry], collect() { this.set(count()); } });
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
