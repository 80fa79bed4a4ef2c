// The load generator of the read-API benchmark, in its own process (forked by scripts/bench/api.ts)
// so that it does not share an event loop with the server it measures. Receives one job on the IPC
// channel, runs autocannon, answers with the figures and exits.
import autocannon from "autocannon";

interface Job {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** Requests to cycle through instead of one (path and headers each), e.g. distinct lookups. */
  requests?: Array<{ path: string; headers: Record<string, string> }>;
  connections: number;
  durationSeconds: number;
}

process.once("message", (job: Job) => {
  autocannon(
    {
      url: job.url, method: job.method, headers: job.headers, body: job.body, connections: job.connections, duration: job.durationSeconds,
      ...(job.requests ? { requests: job.requests.map((r) => ({ method: job.method, path: r.path, headers: r.headers })) } : {}),
    },
    (error, result) => {
      if (error) {
        process.send!({ error: error.message }, () => process.exit(1));
        return;
      }
      process.send!({
        // Only answers of 2xx count: a fast error is not a lookup.
        requestsPerSecond: (result.requests.total - result.non2xx - result.errors) / (result.duration || job.durationSeconds),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        requests: result.requests.total,
        errors: result.errors + result.non2xx,
        timeouts: result.timeouts,
      }, () => process.exit(0));
    },
  );
});
