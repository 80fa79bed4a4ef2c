// The workers' step loop (src/node/step-loop.ts): waits what a step asks, backs off after a failure
// (warning for a transient one, error otherwise), says when it recovered, and stops when asked.
import { Writable } from "node:stream";
import { expect } from "chai";
import { createLogger } from "../../src/logger.ts";
import { FIRST_BACKOFF_MS, runStepLoop } from "../../src/node/step-loop.ts";

class Down extends Error {}

describe("step loop (src/node/step-loop.ts)", function () {
  this.timeout(20_000);

  it("backs off after failures, logs transient ones as warnings and others as errors, recovers, and stops when asked", async function () {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const logger = createLogger("debug", sink);
    const outcomes: Array<() => number> = [
      () => { throw new Down("source down"); },
      () => { throw new Error("a defect"); },
      () => 0,
      () => 0,
    ];
    let steps = 0;
    let running = true;
    const started = performance.now();
    await runStepLoop({
      name: "test",
      logger,
      isTransient: (error) => error instanceof Down,
      maxBackoffMs: 30_000,
      running: () => running,
      async step() {
        const outcome = outcomes[steps++]!;
        if (steps === outcomes.length) running = false;
        return outcome();
      },
    });
    const elapsed = performance.now() - started;
    expect(steps).to.equal(4);
    // Two failures in a row: 0.5 s, then 1 s.
    expect(elapsed).to.be.at.least(FIRST_BACKOFF_MS * 3 - 50);
    const failed = lines.filter((l) => l.msg === "step failed");
    expect(failed.map((l) => [l.level, l.retryInMs])).to.deep.equal([[40, FIRST_BACKOFF_MS], [50, FIRST_BACKOFF_MS * 2]]);
    expect(lines.filter((l) => l.msg === "recovered")).to.have.length(1);
  });
});
