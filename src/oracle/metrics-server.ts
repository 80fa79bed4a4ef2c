// Serves the oracle's Prometheus metrics and liveness on loopback, for the node's monitoring.
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export async function startMetricsServer(registry: Registry, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": registry.contentType });
      res.end(await registry.metrics());
    } else if (req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"ok"}');
    } else {
      res.writeHead(404, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "urn:pachain:problem:not-found", title: "Not Found", status: 404, detail: "try /metrics or /health", instance: req.url ?? "/", code: "NOT_FOUND" }));
    }
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
