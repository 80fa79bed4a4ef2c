// A real PostgreSQL for the tests and the benchmarks (scripts/bench). With PACHAIN_TEST_DATABASE_URL (a role that may CREATE
// DATABASE) the tests use that server; otherwise this module starts a throwaway cluster of its
// own: initdb + pg_ctl from Debian's /usr/lib/postgresql/<version>/bin, in a temporary directory,
// on a free port of 127.0.0.1, and stops it afterwards. PostgreSQL refuses to run as root, so
// as root the binaries run as the `postgres` OS user (`runuser -u postgres --`), which Debian's
// package creates. Without the binaries the PostgreSQL suites are skipped with a loud message —
// except under CI=true, where that is a failure (.ci/run installs the package).
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./processes.ts";

const DEBIAN_POSTGRES = "/usr/lib/postgresql";
const SERVICE_USER = "postgres";

export interface TestPostgres {
  /** How the server was obtained: `cluster` (started here) or `external` (PACHAIN_TEST_DATABASE_URL). */
  kind: "cluster" | "external";
  /** A URL of a new, empty database on the server (dropped by stop()). */
  createDatabase(): Promise<string>;
  /** Runs SQL on the database of `url` (to tamper with an index behind the store's back). */
  exec(url: string, sql: string): Promise<void>;
  /** Only for a cluster started here: stops the server at once (as a crash would), and starts it again. */
  crash?(): void;
  start?(): void;
  /** Drops the databases made here and stops the cluster started here. */
  stop(): Promise<void>;
}

/** The newest Debian PostgreSQL bin directory that has initdb and pg_ctl, if any. */
export function findPostgresBin(): string | undefined {
  if (!existsSync(DEBIAN_POSTGRES)) return undefined;
  const versions = readdirSync(DEBIAN_POSTGRES).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(DEBIAN_POSTGRES, v, "bin")).find((bin) => existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl")));
}

/**
 * Why the PostgreSQL suites cannot run here, or undefined when they can. Under CI=true a missing
 * PostgreSQL is the caller's failure, not a skip: see requirePostgres().
 */
export function postgresUnavailable(): string | undefined {
  if (process.env.PACHAIN_TEST_DATABASE_URL) return undefined;
  if (!findPostgresBin()) return `no PostgreSQL binaries under ${DEBIAN_POSTGRES}/*/bin (apt-get install postgresql, or set PACHAIN_TEST_DATABASE_URL)`;
  if (process.getuid?.() === 0 && spawnSync("id", ["-u", SERVICE_USER]).status !== 0) return `running as root and there is no "${SERVICE_USER}" OS user to run PostgreSQL as`;
  return undefined;
}

/**
 * Whether the PostgreSQL suites run: true when PostgreSQL is available; false, after a loud
 * message, when it is not; throws under CI=true, where skipping would hide the suite.
 */
export function requirePostgres(suite: string): boolean {
  const why = postgresUnavailable();
  if (!why) return true;
  if (process.env.CI === "true") throw new Error(`${suite}: PostgreSQL is required under CI=true, but ${why}`);
  process.stderr.write(`\n  !!! ${suite}: PostgreSQL tests SKIPPED: ${why}\n\n`);
  return false;
}

function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A server to test against (see the module comment). Options: durable = fsync on (benchmarks); tests run without fsync. */
export async function startTestPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  const external = process.env.PACHAIN_TEST_DATABASE_URL;
  const cluster = external ? undefined : await startCluster(options.durable ?? false);
  const adminUrl = external ?? cluster!.url;
  const created: string[] = [];
  return {
    kind: cluster ? "cluster" : "external",
    async createDatabase() {
      const name = `pachain_test_${process.pid}_${Date.now().toString(36)}_${created.length}`;
      await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      return databaseUrl(adminUrl, name);
    },
    async exec(url, sql) {
      await withClient(url, (c) => c.query(sql));
    },
    crash: cluster?.crash,
    start: cluster?.start,
    async stop() {
      if (cluster) return cluster.stop();
      await withClient(adminUrl, async (c) => {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

async function startCluster(durable: boolean): Promise<{ url: string; crash(): void; start(): void; stop(): Promise<void> }> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(postgresUnavailable());
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "pachain-pg-"));
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", SERVICE_USER], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", SERVICE_USER], { encoding: "utf8" }));
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? ["runuser", "-u", SERVICE_USER, "--", join(bin, tool), ...args] : [join(bin, tool), ...args];
    const result = spawnSync(command[0], command.slice(1), { encoding: "utf8", cwd: dir });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  // Loopback TCP only; the socket in the temp dir (the default /var/run/postgresql may not exist).
  // Without durable: no fsync — a test cluster is thrown away, and a process crash loses nothing anyway.
  const settings = [`-p ${port}`, "-h 127.0.0.1", `-k ${dir}`, ...(durable ? [] : ["-c fsync=off", "-c full_page_writes=off"])].join(" ");
  const start = () => run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-o", settings, "-w", "-t", "60", "start"]);
  const crash = () => run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  start();
  // A test process that dies before stop() must not leave a server running.
  const onExit = () => spawnSync(asRoot ? "runuser" : join(bin, "pg_ctl"), [
    ...(asRoot ? ["-u", SERVICE_USER, "--", join(bin, "pg_ctl")] : []), "-D", data, "-m", "immediate", "stop",
  ]);
  process.once("exit", onExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash,
    start,
    async stop() {
      process.off("exit", onExit);
      if (existsSync(join(data, "postmaster.pid"))) crash();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
