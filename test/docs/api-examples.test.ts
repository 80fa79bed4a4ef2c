// docs/api.md's worked examples, run verbatim: the system is started as `npm start` starts it
// (scripts/start.ts on a fresh PACHAIN_HOME, free ports, a smaller population), every fenced `sh`
// block of the "Worked examples" section runs in bash section by section, and each curl answers
// what the doc says: a 2xx unless the doc's `# →` line after it names another status, the fields
// that line shows, and for the citizen's entitlements the fields of the doc's JSON block. Only
// what the doc itself says to change is changed: the host and port in `API=`, and the values it
// says to paste (what npm start printed, the id a previous answer gave: see the doc's note).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { freePort } from "../../src/node/processes.ts";
import { PROJECT_ROOT } from "../../src/demo/system.ts";
import { isoToday } from "../support/clock.ts";

const READY_TIMEOUT_MS = 1_500_000;
const DOC = join(PROJECT_ROOT, "docs", "api.md");

interface Command {
  section: string;
  text: string;
  /** The `# → …` line after it, if any. */
  expected?: string;
}

/** The worked examples: the set-up blocks and, per section, its commands (continuation lines joined). */
function workedExamples(markdown: string): { setup: string[]; sections: Map<string, Command[]>; jsonAfter: Map<string, string> } {
  const start = markdown.indexOf("## Worked examples");
  const worked = markdown.slice(start, markdown.indexOf("\n## ", start + 5));
  const setup: string[] = [];
  const sections = new Map<string, Command[]>();
  const jsonAfter = new Map<string, string>();
  let section = "";
  let lastCurl: Command | undefined;
  const fence = /^### (.+)$|```(\w+)\n([\s\S]*?)```/gm;
  for (let m; (m = fence.exec(worked));) {
    if (m[1]) {
      section = m[1].trim();
      continue;
    }
    const [lang, body] = [m[2], m[3]!];
    if (lang === "json") {
      if (lastCurl) jsonAfter.set(lastCurl.text, body);
      continue;
    }
    if (lang !== "sh") continue;
    if (!section) {
      setup.push(body);
      continue;
    }
    const commands = sections.get(section) ?? sections.set(section, []).get(section)!;
    let pending = "";
    for (const line of body.split("\n")) {
      if (pending || !/^\s*#/.test(line)) pending += (pending ? "\n" : "") + line;
      else {
        const arrow = /^\s*# → (.*)$/.exec(line);
        if (arrow && commands.length > 0) commands[commands.length - 1]!.expected = arrow[1];
        continue;
      }
      if (pending.endsWith("\\") || openQuote(pending)) continue;
      if (pending.trim()) {
        const command: Command = { section, text: pending };
        commands.push(command);
        if (/\bcurl\b|\btoken\b/.test(pending)) lastCurl = command;
      }
      pending = "";
    }
  }
  return { setup, sections, jsonAfter };
}

/** Whether a shell command's text ends inside a quoted string (it goes on on the next line). */
function openQuote(text: string): boolean {
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (quote === '"') {
      if (c === "\\") i += 1;
      else if (c === '"') quote = undefined;
    } else if (c === "\\") i += 1;
    else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      // A comment runs to the end of its line.
      const end = text.indexOf("\n", i);
      if (end < 0) break;
      i = end;
    }
  }
  return quote !== undefined;
}

/** The field names a doc snippet shows (`"name":`), e.g. `{"verdict":"valid","reason":…}`. */
const fieldsShown = (snippet: string) => [...snippet.matchAll(/"([A-Za-z_]+)"\s*:/g)].map((m) => m[1]!);

describe("docs/api.md: the worked examples, run verbatim against npm start", function () {
  this.timeout(READY_TIMEOUT_MS + 600_000);
  let home: string;
  let child: ChildProcess | undefined;
  let output = "";
  let api: string;

  before(async function () {
    home = mkdtempSync(join(tmpdir(), "pachain-docs-"));
    const ports = { chain: await freePort(), api: await freePort(), comune: await freePort(), asl: await freePort(), inps: await freePort(), io: await freePort() };
    api = `http://127.0.0.1:${ports.api}`;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PACHAIN_HOME: home,
      PACHAIN_CHAIN_PORT: String(ports.chain),
      PACHAIN_RPC_URL: `http://127.0.0.1:${ports.chain}`,
      PACHAIN_API_PORT: String(ports.api),
      PACHAIN_ORACLE_SOURCES: `comune=http://127.0.0.1:${ports.comune},asl=http://127.0.0.1:${ports.asl},inps=http://127.0.0.1:${ports.inps}`,
      PACHAIN_IO_URL: `http://127.0.0.1:${ports.io}`,
      PACHAIN_ORACLE_METRICS_PORT: String(await freePort()),
      PACHAIN_NOTIFIER_METRICS_PORT: String(await freePort()),
      PACHAIN_ORACLE_GATEWAY_PORT: String(await freePort()),
      PACHAIN_NOTIFIER_CLAIM_URL: `${api}/cittadino`,
      // A smaller population than the demo's 3,000, with the same history: the examples need every kind of record, not volume.
      PACHAIN_DEMO_SIZE: "300",
      LOG_LEVEL: "warn",
    };
    child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", "scripts/start.ts"], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => void (output += chunk.toString()));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!output.includes("Press Ctrl-C to stop.")) {
      if (child.exitCode !== null || output.includes("start-up failed")) throw new Error(`npm start failed:\n${output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  after(async function () {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child!.kill("SIGKILL"), 60_000);
      await exited;
      clearTimeout(timer);
    }
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("answers every curl example with the status and the fields the doc shows", async function () {
    const { setup, sections, jsonAfter } = workedExamples(readFileSync(DOC, "utf8"));
    expect(setup.length).to.equal(2);
    expect([...sections.keys()]).to.deep.equal(["Citizen", "Auditor", "Commission", "Operator", "Patronato"]);

    // What the doc tells the reader to paste, taken from npm start's output as a reader would.
    const printed = (pattern: RegExp, what: string) => {
      const m = pattern.exec(output);
      if (!m) throw new Error(`npm start did not print ${what}:\n${output.slice(-3000)}`);
      return m[1]!;
    };
    const fc = printed(/CITIZEN=\$\(token '\{"role":"citizen","fiscalCode":"([A-Z0-9]{16})"\}'\)/, "a citizen's fiscal code");
    const commission = printed(/COMMISSION=\$\(token '\{[^}]*"organisation":(\d+)\}'\)/, "the commission's organisation id");
    const patronato = printed(/PATRONATO=\$\(token '\{[^}]*"organisation":(\d+)\}'\)/, "the patronato's organisation id");
    const today = process.env.PACHAIN_TODAY ? process.env.PACHAIN_TODAY : undefined;

    const preamble = [
      "set -u",
      // Every curl's status line goes to a file beside, so the command runs exactly as written.
      `curl() { command curl -D "$HEADERS" "$@" | tee "$LAST"; }`,
      `npm() { command npm --prefix ${JSON.stringify(PROJECT_ROOT)} "$@"; }`,
      ...setup.map((block) => block
        .replace("API=http://127.0.0.1:3000", `API=${api}`)
        // The doc's own variant for a moved clock.
        .replace(/^MONTH=\$\(date -u \+%Y-%m\); TODAY=\$\(date -u \+%F\)\s+# with PACHAIN_TODAY=YYYY-MM-DD set: (.*)$/m, (_all, moved: string) => (today ? moved : "MONTH=$(date -u +%Y-%m); TODAY=$(date -u +%F)"))),
    ].join("\n");

    const failures: string[] = [];
    let ran = 0;
    let total = 0;
    // One bash for all of it, as a reader pastes the examples into one terminal; a marker after each curl carries its status.
    const lines: string[] = [preamble];
    const curlCommands: Command[] = [];
    for (const [, commands] of sections) {
      for (const c of commands) {
        let text = c.text
          .replace(/^FC=….*$/m, `FC=${fc}`)
          .replace(/("role":"commission",[^}]*"organisation":)\d+/, `$1${commission}`)
          .replace(/("role":"patronato",[^}]*"organisation":)\d+/, `$1${patronato}`)
          .replace(/"patronato":\d+/, `"patronato":${patronato}`);
        if (/\/v1\/(assessments|revocations)\/0x…/.test(text)) {
          const kind = /\/v1\/revocations\/0x…/.test(text) ? "revocationId" : "assessmentId";
          lines.push(`export PASTE_ID=$(cat "$WORK/${kind}" 2>/dev/null)`);
          text = text.replace("0x…", "$PASTE_ID");
          // The doc: "Only a recorded assessment can be revoked: repeat the call above until it answers "status":"recorded"".
          // Only before the revocation itself (not before asking after the revocation, /v1/revocations/…).
          if (text.includes("/revocation ")) {
            lines.push(`for i in $(seq 1 240); do command curl -s -H "Authorization: Bearer $COMMISSION" "$API/v1/assessments/$PASTE_ID" > "$WORK/assessment-status.json"; grep -q '"status":"\\(recorded\\|refused\\)"' "$WORK/assessment-status.json" && break; sleep 0.5; done`);
          }
        }
        if (text.includes("/v1/payments/1234-0/")) {
          lines.push(`export PASTE_PAYMENT=$(command curl -s -H "Authorization: Bearer $AUDITOR" "$API/v1/payments?period=$MONTH&limit=1" | jq -r '.payments[0].place | "\\(.block)-\\(.logIndex)"')`);
          text = text.replace("1234-0", "$PASTE_PAYMENT");
        }
        const isCurl = /\bcurl\b|\$\(token /.test(text);
        lines.push(`rm -f "$HEADERS" "$LAST"`, text);
        if (isCurl) {
          const index = curlCommands.push(c) - 1;
          lines.push(`printf '\\n@@@${index} %s\\n' "$(head -1 "$HEADERS" 2>/dev/null | tr -d '\\r')"`);
          // The ids a 202 answered, for the examples that say to paste them (0x…).
          if (c.expected) {
            lines.push(`for k in assessmentId revocationId; do v=$(grep -o "\\"$k\\":\\"0x[0-9a-f]*\\"" "$LAST" 2>/dev/null | head -1 | cut -d'"' -f4); [ -n "$v" ] && echo "$v" > "$WORK/$k"; done; true`);
          }
        }
      }
    }
    const result = await runBash(lines.join("\n"), home, api);
    const parts = result.stdout.split(/\n@@@(\d+) ([^\n]*)\n/);
    let body = parts[0] ?? "";
    for (let i = 1; i + 1 < parts.length; i += 3) {
      const command = curlCommands[Number(parts[i])]!;
      const statusLine = parts[i + 1]!;
      const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1] ?? 0);
      ran += 1;
      const where = `${command.section}: ${command.text}`;
      const wanted = command.expected ? /^(\d{3})\b/.exec(command.expected)?.[1] : undefined;
      const ok = wanted ? status === Number(wanted) : status >= 200 && status < 300;
      if (!ok) failures.push(`${where}\n  → ${statusLine || "no answer"} ${body.slice(0, 300)}\n  expected ${wanted ?? "2xx"}`);
      const shown = new Set([...(command.expected ? fieldsShown(command.expected) : []), ...fieldsShown(jsonAfter.get(command.text) ?? "")]);
      const lacking = [...shown].filter((field) => !body.includes(`"${field}"`));
      if (lacking.length > 0) failures.push(`${where}\n  answer lacks ${lacking.join(", ")} that the doc shows: ${body.slice(0, 300)}`);
      body = parts[i + 2] ?? "";
    }
    total = curlCommands.length;
    if (result.code !== 0 && failures.length === 0) failures.push(`bash exited ${result.code}: ${result.stderr.slice(-500)}`);
    if (failures.length > 0) failures.push(`bash's stderr: ${result.stderr.slice(-2000)}`, `files: ${(await import("node:fs")).readdirSync(join(home, "docs-work")).filter((f) => f.endsWith(".json")).map((f) => `${f}: ${readFileSync(join(home, "docs-work", f), "utf8").slice(0, 400)}`).join("\n")}`);
    expect(failures, failures.join("\n\n")).to.deep.equal([]);
    // Every curl example of the doc ran to its end (each printed its status).
    expect(ran, "curl examples run").to.equal(total);
    expect(total).to.be.greaterThan(20);
    expect(isoToday()).to.match(/^\d{4}-\d{2}-\d{2}$/);
  });
});

function runBash(script: string, home: string, api: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const work = join(home, "docs-work");
  return new Promise((resolve) => {
    import("node:fs").then(({ mkdirSync }) => {
      mkdirSync(work, { recursive: true });
      const bash = spawn("bash", ["-c", script], {
        cwd: work,
        env: { ...process.env, HEADERS: join(work, "headers.txt"), LAST: join(work, "last-answer.txt"), WORK: work, PACHAIN_WALLET_DIR: join(work, "wallet"), API_UNDER_TEST: api },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      bash.stdout.on("data", (c: Buffer) => void (stdout += c.toString()));
      bash.stderr.on("data", (c: Buffer) => void (stderr += c.toString()));
      bash.on("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  });
}
