import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import { compareAnswers } from "../../src/conformance/compare.ts";
import { runScenario } from "../../src/conformance/runner.ts";
import { parseScenario } from "../../src/conformance/scenario.ts";
import { loadCatalog } from "../../src/domain/catalog.ts";
import { ValidationError } from "../../src/errors.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// The shared examples, and the project's own hand-derived scenarios.
const SCENARIO_DIRS = [join(ROOT, "../shared/conformance/scenarios"), join(ROOT, "test/conformance/scenarios")];
const MALFORMED_DIR = join(ROOT, "test/conformance/malformed");
const catalog = loadCatalog();

function scenarioFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

describe("conformance scenarios", function () {
  for (const file of SCENARIO_DIRS.flatMap(scenarioFiles)) {
    it(`answers ${file.split("/").slice(-2).join("/")} as expected`, async function () {
      const scenario = parseScenario(JSON.parse(readFileSync(file, "utf8")), catalog);
      const answers = [];
      for await (const answer of runScenario(scenario)) answers.push(answer);
      const expected = readFileSync(file.replace(/\.json$/, ".expected.jsonl"), "utf8");
      expect(compareAnswers(answers, expected)).to.deep.equal([]);
    });
  }

  it("finds the shared examples", function () {
    expect(scenarioFiles(SCENARIO_DIRS[0]).length).to.be.greaterThan(0);
  });
});

describe("malformed scenarios", function () {
  // README.md beside the files lists, per file, the fragments (in backticks, last column) the
  // error message must contain: the offending entry's path and field.
  const expectations = new Map<string, string[]>();
  for (const line of readFileSync(join(MALFORMED_DIR, "README.md"), "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const file = cells[1]?.match(/^`([\w.-]+\.json)`$/)?.[1];
    if (file) expectations.set(file, [...cells[3].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  }

  for (const file of scenarioFiles(MALFORMED_DIR)) {
    const name = file.split("/").pop()!;
    it(`refuses ${name} naming the offending entry`, function () {
      const fragments = expectations.get(name);
      expect(fragments, `${name} is listed in malformed/README.md`).to.not.be.empty;
      const json = JSON.parse(readFileSync(file, "utf8"));
      expect(() => parseScenario(json, catalog)).to.throw(ValidationError);
      try {
        parseScenario(json, catalog);
      } catch (error) {
        for (const fragment of fragments!) expect((error as Error).message).to.include(fragment);
      }
    });
  }

  it("makes the command exit with status 2 and record nothing", async function () {
    const file = scenarioFiles(MALFORMED_DIR)[0];
    const result = await promisify(execFile)(process.execPath, ["scripts/scenario.ts", file], { cwd: ROOT }).then(
      () => ({ code: 0, stdout: "", stderr: "" }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal("");
    expect(result.stderr).to.match(/refused: /);
  });
});
