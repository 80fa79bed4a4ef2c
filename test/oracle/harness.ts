// A whole PA Chain on one machine for end-to-end tests: a real JSON-RPC node (the embedded chain),
// the Ignition deployment, the demo consortium, and the three source simulators as their own
// processes, all under a temporary PACHAIN_HOME.
import { createServer, Socket, type Server } from "node:net";
import { freePort, startProcess } from "../../src/node/processes.ts";
import { PROJECT_ROOT, startDemoSystem, type DemoSystem } from "../../src/demo/system.ts";

export { freePort, startProcess };

export const ROOT = PROJECT_ROOT;

/** A whole system for end-to-end tests (src/demo/system.ts). */
export type System = DemoSystem;

export function startSystem(options: { size: number; seed: number; rpcUrl?: (chainUrl: string) => Promise<string> }): Promise<System> {
  return startDemoSystem(options);
}

/** Every event of a source feed, page by page. */
export async function readFeed(url: string): Promise<Array<Record<string, unknown>>> {
  const events: Array<Record<string, unknown>> = [];
  for (let after = 0; ;) {
    const page = (await (await fetch(`${url}/v1/events?after=${after}&limit=1000`)).json()) as {
      events: Array<Record<string, unknown>>; next: number; hasMore: boolean;
    };
    events.push(...page.events);
    if (!page.hasMore) return events;
    after = page.next;
  }
}

/**
 * The people of the feeds' civil records, and those of them alive, out of hospital, with no
 * assessment nor application: fresh for new writes (an assessment, a claim) in a test.
 */
export async function peopleOf(system: Pick<System, "sources">): Promise<{ population: string[]; fresh: string[] }> {
  const civil = await readFeed(system.sources.comune);
  const health = await readFeed(system.sources.asl);
  const inps = await readFeed(system.sources.inps);
  const excluded = new Set([
    ...civil.filter((e) => e.kind === "death").map((e) => String(e.fiscalCode)),
    ...health.filter((e) => e.kind === "hospitalStay" || e.kind === "assessment").map((e) => String(e.fiscalCode)),
    ...inps.filter((e) => e.kind === "application").map((e) => String(e.fiscalCode)),
  ]);
  const population = [...new Set(civil.filter((e) => e.kind === "civil").map((e) => String(e.fiscalCode)))];
  return { population, fresh: population.filter((p) => !excluded.has(p)) };
}

/** A TCP proxy in front of the chain node that can be cut and restored, to make the node "unreachable". */
export async function startCuttableProxy(target: string): Promise<{ url: string; cut(): void; restore(): void; close(): void }> {
  const { hostname, port } = new URL(target);
  let open = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = new Socket();
    upstream.connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => (client.destroy(), upstream.destroy(), sockets.delete(client), sockets.delete(upstream));
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  const proxyPort = await freePort();
  await new Promise<void>((resolve) => server.listen(proxyPort, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
