// npm start: the whole PA Chain system on the embedded chain, with demo data.
// Starts a Hardhat JSON-RPC node on 127.0.0.1, deploys the contracts with Ignition, registers the
// demo consortium, starts the three source simulators (ANPR, ASL, INPS) as their own processes and
// the oracle, which brings every signed record on chain, decides the applications and runs the
// month's payroll. The oracle's outbox survives restarts: on the next start the fresh chain is
// rebuilt at the same addresses and the outbox replayed, so nothing recorded is lost.
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Wallet } from "ethers";
import { clockFromEnv, periodOf, todayOf } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { benefitId } from "../src/domain/catalog.ts";
import { loadConsortium } from "../src/demo/consortium.ts";
import { buildHistory, historyChainStartMs, historyStart } from "../src/demo/history.ts";
import { deployDemoChain } from "../src/demo/system.ts";
import { createFileLogger } from "../src/logger.ts";
import { startEmbeddedChain, type EmbeddedChain } from "../src/node/embedded-chain.ts";
import { startProcess, stopProcess } from "../src/node/processes.ts";
import { startApi } from "../src/api/server.ts";
import { startMetricsServer } from "../src/oracle/metrics-server.ts";
import { readCatalog } from "../src/chain/catalog-reader.ts";
import { payrollReport, readPayrollOrder, startPayrollRun } from "../src/oracle/payroll.ts";
import { replayInOrder } from "../src/oracle/replay.ts";
import { createOracleRuntime, type OracleRuntime } from "../src/oracle/wiring.ts";
import { demoProfile } from "../src/simulators/io.ts";

const config = loadConfig();
// Resolved before any child process starts, so the chain, simulators and services share one "today".
const clock = clockFromEnv();
const home = resolve(config.PACHAIN_HOME);
// The terminal shows progress in plain words; the JSON logs go to a file (warnings and errors are
// also shown, readable, when a person watches).
const logFile = join(home, "logs", "start.log");
const logger = createFileLogger(config.LOG_LEVEL, logFile, { terminal: process.stderr.isTTY === true });
const say = (line: string) => process.stdout.write(`${line}\n`);

let chain: EmbeddedChain | undefined;
const simulators: ChildProcess[] = [];
let runtime: OracleRuntime | undefined;
let apiServer: { close(): Promise<void> } | undefined;
let stopping = false;

async function shutdown(signal: string, code = 0) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  await apiServer?.close();
  await runtime?.close();
  await Promise.all(simulators.map((child) => stopProcess(child)));
  await chain?.stop();
  process.exit(code);
}
process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));

/** Prints the outbox's progress every few seconds while `work` runs. */
async function withProgress<T>(label: string, rt: OracleRuntime, work: Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    const c = rt.store.counts();
    say(`  ${label}: ${c.done} on chain, ${c.pending + c.sent} waiting, ${c.dead} dead letters`);
  }, 3000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

try {
  // A fresh home on the embedded chain gets the demo's past (src/demo/history.ts); a restart
  // replays the oracle's outbox instead, on a chain that starts today.
  const fresh = !existsSync(join(home, "oracle", "oracle.sqlite"));
  const historyFrom = config.PACHAIN_EMBEDDED_CHAIN && fresh ? historyStart(config.PACHAIN_DEMO_HISTORY_FROM, todayOf(clock)) : undefined;
  say(`PA Chain: starting the embedded chain… (logs: ${logFile})`);
  const rpcUrl = config.PACHAIN_EMBEDDED_CHAIN
    ? (chain = await startEmbeddedChain({
      port: config.PACHAIN_CHAIN_PORT, logger,
      ...(historyFrom === undefined ? {} : { startMs: historyChainStartMs(historyFrom, Date.now()) }),
    })).url
    : config.PACHAIN_RPC_URL;
  say("PA Chain: deploying the contracts with Ignition and registering the demo consortium…");
  const { deployment, provider, organisations } = await deployDemoChain({
    rpcUrl,
    home,
    deployerKey: config.PACHAIN_DEPLOYER_KEY,
    deploymentId: config.PACHAIN_EMBEDDED_CHAIN ? "embedded" : `chain-${new URL(rpcUrl).host}`,
    relayers: {
      civil: new Wallet(config.PACHAIN_CIVIL_RELAYER_KEY).address,
      health: new Wallet(config.PACHAIN_HEALTH_RELAYER_KEY).address,
      inps: new Wallet(config.PACHAIN_INPS_RELAYER_KEY).address,
    },
    logger,
  });
  provider.destroy();

  say(`PA Chain: starting the source simulators (ANPR, ASL, INPS; ${config.PACHAIN_DEMO_SIZE} people)…`);
  for (const { source, url } of config.PACHAIN_ORACLE_SOURCES) {
    const port = new URL(url).port;
    simulators.push(await startProcess(
      [
        "scripts/simulator.ts", "--source", source, "--port", port, "--size", String(config.PACHAIN_DEMO_SIZE), "--seed", "1",
        ...(historyFrom === undefined ? [] : ["--history-from", config.PACHAIN_DEMO_HISTORY_FROM, "--follow-chain", rpcUrl]),
      ],
      { PACHAIN_HOME: home, LOG_LEVEL: config.LOG_LEVEL },
      /listening on/,
    ));
  }

  // IO, the citizens' app: busy now and then like the real service (every 40th message 429, every 97th call 503).
  simulators.push(await startProcess(
    ["scripts/io-simulator.ts", "--port", new URL(config.PACHAIN_IO_URL).port || "80", "--too-many-every", "40", "--unavailable-every", "97"],
    { PACHAIN_HOME: home, LOG_LEVEL: config.LOG_LEVEL, PACHAIN_IO_SUBSCRIPTION_KEY: config.PACHAIN_IO_SUBSCRIPTION_KEY },
    /listening on/,
  ));

  const rt = (runtime = createOracleRuntime({ config: { ...config, PACHAIN_RPC_URL: rpcUrl }, deployment, logger }));
  const settled = rt.store.counts().done;
  if (settled > 0 && config.PACHAIN_EMBEDDED_CHAIN) {
    say(`PA Chain: the embedded chain starts empty; replaying ${settled} records from the oracle's outbox…`);
    rt.store.resetForReplay();
    await withProgress("replay", rt, replayInOrder(rt.store, rt.relayers, logger));
  }
  say("PA Chain: the oracle is bringing the source records on chain…");
  rt.oracle.start();
  const metrics = await startMetricsServer(rt.metrics.registry, config.PACHAIN_ORACLE_METRICS_PORT);
  if (historyFrom !== undefined) {
    say(`PA Chain: building the chain's past from ${config.PACHAIN_DEMO_HISTORY_FROM} to today: records on the days they happened, a payroll every month…`);
    const historyStarted = Date.now();
    const { payrolls } = await buildHistory({
      rpcUrl, runtime: rt, sources: config.PACHAIN_ORACLE_SOURCES.map((s) => s.url), from: historyFrom, clock, logger, say,
    });
    say(`PA Chain: history built in ${Math.round((Date.now() - historyStarted) / 1000)} s (${payrolls.length} monthly payrolls).`);
  }
  await withProgress("ingestion", rt, rt.oracle.idle(3_600_000));

  const period = periodOf(clock);
  let report = undefined;
  if (rt.store.payrollItems(period, 1).length === 0) {
    say(`PA Chain: running the payroll of ${String(period).slice(0, 4)}-${String(period).slice(4)}…`);
    const catalog = await readCatalog(rt.contracts.catalog);
    const { run } = startPayrollRun(rt.store, catalog, period, await readPayrollOrder(rt.store, catalog, rt.contracts.facts));
    await withProgress("payroll", rt, rt.oracle.idle(3_600_000));
    report = payrollReport(rt.store, period, run);
  } else {
    report = payrollReport(rt.store, period, 1);
  }

  const decided = rt.store.applications("decided");
  // The demo turns the read API's demo tokens on: anyone can try every role (never in production).
  const api = (apiServer = await startApi({
    config: { ...config, PACHAIN_RPC_URL: rpcUrl, PACHAIN_API_DEMO: true },
    deployment,
    logger,
    oracle: rt.gateway,
    clock,
  }));
  // The notifier follows the index the API's indexer writes, so it starts once the API is up.
  simulators.push(await startProcess(
    ["scripts/notifier.ts"],
    {
      PACHAIN_HOME: home, LOG_LEVEL: config.LOG_LEVEL, PACHAIN_RPC_URL: rpcUrl, PACHAIN_EMBEDDED_CHAIN: "false",
      PACHAIN_IO_URL: config.PACHAIN_IO_URL, PACHAIN_IO_SUBSCRIPTION_KEY: config.PACHAIN_IO_SUBSCRIPTION_KEY,
      PACHAIN_NOTIFIER_CLAIM_URL: `${api.url}/cittadino`, PACHAIN_NOTIFIER_METRICS_PORT: String(config.PACHAIN_NOTIFIER_METRICS_PORT),
    },
    /notifier running/,
  ));
  const commission = organisations.find((o) => o.kind === "MEDICAL_COMMISSION")!;
  const [patronato] = loadConsortium(join(home, "consortium.json")).patronati ?? [];
  // Someone entitled today, to show in the example below.
  const today = todayOf(clock);
  let citizen: string | undefined;
  let fallback: string | undefined;
  for (const a of decided.filter((d) => d.eligible).slice(0, 200)) {
    const [eligibleToday] = await rt.contracts.ledger.check(a.subject, benefitId(a.benefit), today);
    const person = eligibleToday ? rt.vault.reveal(a.subject) : undefined;
    // Someone on IO who lets INPS write, so the printed inbox shows notices, and who holds the
    // European Disability Card today, so docs/api.md's wallet example has a card to offer.
    if (!person || !demoProfile(person)?.sender_allowed) continue;
    fallback ??= person;
    const [card] = await rt.contracts.ledger.check(a.subject, benefitId("EU_DISABILITY_CARD"), today);
    if (card) {
      citizen = person;
      break;
    }
  }
  citizen ??= fallback;

  const counts = rt.store.counts();
  const lines = [
    "",
    "PA Chain is running on the embedded chain.",
    `  JSON-RPC            ${rpcUrl}  (chain id ${deployment.chainId})`,
    `  access manager      ${deployment.addresses.manager}`,
    `  organisation reg.   ${deployment.addresses.organisations}`,
    `  fact registry       ${deployment.addresses.facts}`,
    `  benefit catalog     ${deployment.addresses.catalog}`,
    `  benefit ledger      ${deployment.addresses.ledger}`,
    `  status list anchor  ${deployment.credentials?.statusListAnchor ?? "—"}  (credential issuer ${api.url}/credentials)`,
    `  source feeds        ${config.PACHAIN_ORACLE_SOURCES.map((s) => `${s.source} ${s.url}/v1/events`).join(", ")}`,
    `  oracle metrics      ${metrics.url}/metrics`,
    `  IO (simulated)      ${config.PACHAIN_IO_URL}/api/v1/messages/${citizen ?? "RSSMRA85T10A562S"}  (a citizen's IO inbox: the notices PA Chain sent; notifier metrics on :${config.PACHAIN_NOTIFIER_METRICS_PORT}/metrics)`,
    `  records on chain    ${counts.done} (dead letters: ${counts.dead}; npm run oracle -- dead-letters)`,
    `  applications        ${decided.length} decided, ${decided.filter((a) => a.eligible).length} granted`,
    `  payroll ${report.period}    ${report.paid} paid, ${(report.paidCents / 100).toLocaleString("it-IT", { style: "currency", currency: "EUR" })}; refused: ${JSON.stringify(report.refused)}`,
    `  web pages           ${api.url}/  (citizen, verification, auditor, commission, patronato; demo sign-in)`,
    `  read API            ${api.url}/v1  (demo tokens on; documentation ${api.url}/docs)`,
    `  state               ${home} (deployment, keys, oracle outbox; survives restarts)`,
    `  logs                ${logFile} (JSON lines)`,
    "",
    `The API's documentation: ${api.url}/docs (OpenAPI: ${api.url}/openapi.json). Demo tokens for every role (docs/api.md):`,
    `  token() { curl -s -X POST ${api.url}/v1/dev/token -H 'content-type: application/json' -d "$1" | sed 's/.*"token":"\\([^"]*\\)".*/\\1/'; }`,
    `  CITIZEN=$(token '{"role":"citizen","fiscalCode":"${citizen ?? "RSSMRA85T10A562S"}"}')`,
    `  curl -s -H "Authorization: Bearer $CITIZEN" ${api.url}/v1/me/entitlements`,
    `  AUDITOR=$(token '{"role":"auditor","fiscalCode":"RSSMRA85T10A562S"}')`,
    `  curl -s -H "Authorization: Bearer $AUDITOR" "${api.url}/v1/subjects/${citizen ?? "RSSMRA85T10A562S"}/history?purpose=Demo%20audit"`,
    `  curl -s -H "Authorization: Bearer $AUDITOR" "${api.url}/v1/payroll/totals?period=${String(period).slice(0, 4)}-${String(period).slice(4)}"`,
    `  COMMISSION=$(token '{"role":"commission","fiscalCode":"RSSMRA85T10A562S","organisation":${commission.orgId}}')   # ${commission.name}`,
    `  OPERATOR=$(token '{"role":"operator","fiscalCode":"RSSMRA85T10A562S"}'); curl -s -H "Authorization: Bearer $OPERATOR" ${api.url}/v1/oracle/lag`,
    ...(patronato ? [
      `  PATRONATO=$(token '{"role":"patronato","fiscalCode":"${patronato.operators[0].fiscalCode}","organisation":${patronato.id}}')   # ${patronato.name}; a citizen delegates it first (docs/patronati.md)`,
      `  curl -s -H "Authorization: Bearer $PATRONATO" ${api.url}/v1/represented`,
    ] : []),
    "",
    "Live events keep arriving from the simulators and the oracle keeps relaying them.",
    "Try:  npm run oracle -- status      npm run --silent scenario -- ../shared/conformance/scenarios/01-accompaniment-and-pension.json",
    `      npm run wallet -- init, then "Nel mio wallet" on ${api.url}/cittadino and npm run wallet -- accept '<offer text>' (docs/web.md)`,
    "Press Ctrl-C to stop.",
    "",
  ];
  say(lines.join("\n"));
} catch (error) {
  logger.error({ err: error }, "start-up failed");
  process.stderr.write(`PA Chain: start-up failed: ${(error as Error).message} (details in ${logFile})\n`);
  await shutdown("error", 1);
}
