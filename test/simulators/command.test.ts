import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { createTestHome, type TestHome } from "./home.ts";

const SCRIPT = fileURLToPath(new URL("../../scripts/simulator.ts", import.meta.url));

interface Run {
  child: ChildProcess;
  /** Resolves with the banner's URL, or rejects with stderr when the process exits first. */
  url: Promise<string>;
  exit: Promise<number | null>;
  stderr: () => string;
}

function run(home: string, args: string[]): Run {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    env: { ...process.env, PACHAIN_HOME: home, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exit.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  url.catch(() => undefined); // tests of refused options never ask for the URL
  return { child, url, exit, stderr: () => stderr };
}

describe("simulators: the simulator command", function () {
  this.timeout(120_000);
  let home: TestHome;

  before(function () {
    home = createTestHome();
  });

  after(function () {
    home.remove();
  });

  it("prints where it listens, serves the feed, and stops cleanly on SIGTERM", async function () {
    const sim = run(home.home, ["--source", "comune", "--port", "0", "--size", "60", "--seed", "4", "--no-live"]);
    try {
      const url = await sim.url;
      const health = (await (await fetch(`${url}/health`)).json()) as { status: string; source: string; lastCursor: number };
      expect(health).to.include({ status: "ok", source: "comune" });
      expect(health.lastCursor).to.be.greaterThan(0);
    } finally {
      sim.child.kill("SIGTERM");
    }
    expect(await sim.exit).to.equal(0);
  });

  it("records the population's day once, for all three simulators", function () {
    const file = join(home.home, "simulators", "population-seed4-size60.json");
    const { today } = JSON.parse(readFileSync(file, "utf8")) as { today: string };
    expect(today).to.match(/^\d{4}-\d{2}-\d{2}$/);
  });

  for (const [args, message] of [
    [["--source", "anpr"], /--source: expected one of comune, asl, inps/],
    [["--source", "asl", "--port", "99999"], /--port: expected an integer from 0 to 65535/],
    [["--source", "inps", "--bogus"], /unknown option '--bogus'/i],
    [["--source", "inps", "--today", "2026-02-30"], /--today: 2026-02-30 is not a calendar date/],
  ] as const) {
    it(`refuses ${args.join(" ")} with exit 2 and the usage`, async function () {
      const sim = run(home.home, [...args]);
      expect(await sim.exit).to.equal(2);
      expect(sim.stderr()).to.match(message).and.match(/usage: node scripts\/simulator\.ts/i);
    });
  }
});
