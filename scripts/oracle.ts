// npm run oracle -- [COMMAND] [options]   (npm run oracle -- --help lists them; each has --help)
//   run (default)                   run the oracle service until Ctrl-C
//   status [--json]                 outbox counts and dead letters
//   dead-letters [--json]           list dead letters with their decoded reasons
//   redrive ID... | --all           put dead letters back in the queue
//   payroll --period YYYY-MM        order the monthly payroll and follow it to its report
//   commission FILE --keys F1[,F2]  sign an assessment with the members' key files and submit it
//   erase FISCAL_CODE               destroy the off-chain link of a person (crypto-shredding)
// Exit codes: 0 done, 1 failed or refused, 2 bad usage or input.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Wallet } from "ethers";
import { clockFromEnv, nowSeconds } from "../src/clock.ts";
import { createProgram, table, usageError } from "../src/cli.ts";
import { loadConfig } from "../src/config.ts";
import { factDomain, onChainAssessmentId } from "../src/chain/signing.ts";
import { loadDeployment } from "../src/chain/deploy.ts";
import { parsePeriod } from "../src/domain/dates.ts";
import { PaChainError } from "../src/errors.ts";
import { createLogger } from "../src/logger.ts";
import { signCommissionAssessment } from "../src/chain/commission-assessment.ts";
import { startGatewayServer } from "../src/oracle/gateway-server.ts";
import { startMetricsServer } from "../src/oracle/metrics-server.ts";
import { readCatalog } from "../src/chain/catalog-reader.ts";
import { payrollReport, readPayrollOrder, startPayrollRun } from "../src/oracle/payroll.ts";
import { HEARTBEAT } from "../src/oracle/service.ts";
import { createOracleRuntime, type OracleRuntime } from "../src/oracle/wiring.ts";
import { resolveSecret } from "../src/secrets.ts";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const home = resolve(config.PACHAIN_HOME);

function fail(message: string, code = 2): never {
  process.stderr.write(`oracle: ${message}\n`);
  process.exit(code);
}

function runtime(readFeeds: boolean): OracleRuntime {
  return createOracleRuntime({ config, deployment: loadDeployment(join(home, "deployment.json")), logger, readFeeds });
}

/** True when an oracle service wrote its heartbeat in the last few seconds (it will do the relaying). */
function serviceRunning(rt: OracleRuntime): boolean {
  const beat = rt.store.lastBeat(HEARTBEAT);
  return beat !== undefined && Date.now() - beat < 5000;
}

function progress(done: number, total: number, label: string): void {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  process.stderr.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`);
}

const program = createProgram("npm run oracle --", "The oracle: reads the source feeds, keeps every record in a durable outbox and relays it on chain (docs/oracle.md).");

program.command("run", { isDefault: true }).description("run the oracle service until Ctrl-C (metrics on PACHAIN_ORACLE_METRICS_PORT)").action(async () => {
  const rt = runtime(true);
  rt.oracle.start();
  const metrics = await startMetricsServer(rt.metrics.registry, config.PACHAIN_ORACLE_METRICS_PORT);
  logger.info({ url: `${metrics.url}/metrics` }, "oracle metrics listening");
  // The gateway a read API in another process calls; served only with its shared secret.
  const gateway = config.PACHAIN_ORACLE_GATEWAY_SECRET === undefined
    ? undefined
    : await startGatewayServer({ gateway: rt.gateway, secret: config.PACHAIN_ORACLE_GATEWAY_SECRET, port: config.PACHAIN_ORACLE_GATEWAY_PORT, logger });
  if (gateway) logger.info({ url: gateway.url }, "oracle gateway listening");
  const stop = async () => {
    await gateway?.close();
    await metrics.close();
    await rt.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
});

const deadLetterRows = (rt: OracleRuntime) =>
  rt.store.items({ status: "dead" }).map((item) => ({ id: item.id, source: item.source, recordKey: item.recordKey, reason: item.errorDetail ?? item.errorName ?? "" }));

program.command("status").description("outbox counts by status and the dead letters").option("--json", "one JSON object for machines").action(async (options: { json?: boolean }) => {
  const rt = runtime(false);
  const counts = rt.store.counts();
  const dead = deadLetterRows(rt);
  if (options.json) console.log(JSON.stringify({ outbox: counts, deadLetters: dead }));
  else {
    console.log(table(["outbox", "items"], Object.entries(counts)));
    console.log(dead.length === 0 ? "\nno dead letters" : `\n${dead.length} dead letter(s) (npm run oracle -- redrive ID… | --all):\n${table(["id", "source", "record", "reason"], dead.map((d) => [d.id, d.source, d.recordKey, d.reason]))}`);
  }
  await rt.close();
});

program.command("dead-letters").description("list the dead letters with their decoded reasons").option("--json", "one JSON line per dead letter").action(async (options: { json?: boolean }) => {
  const rt = runtime(false);
  const dead = deadLetterRows(rt);
  if (options.json) for (const d of dead) console.log(JSON.stringify(d));
  else console.log(dead.length === 0 ? "no dead letters" : table(["id", "source", "record", "reason"], dead.map((d) => [d.id, d.source, d.recordKey, d.reason])));
  await rt.close();
});

program.command("redrive").description("put dead letters back in the queue").argument("[ids...]", "dead-letter ids").option("--all", "every dead letter")
  .action(async (ids: string[], options: { all?: boolean }) => {
    const numbers = ids.map(Number);
    if (!options.all && (numbers.length === 0 || !numbers.every(Number.isSafeInteger))) usageError(program, "redrive: give dead-letter ids or --all");
    const rt = runtime(false);
    console.log(`${await rt.gateway.redrive(options.all ? undefined : numbers)} dead letter(s) back in the queue`);
    await rt.close();
  });

program.command("payroll").description("order a month's payroll and follow it to its report").requiredOption("--period <YYYY-MM>", "the month to pay")
  .action(async (options: { period: string }) => {
    const period = parsePeriod(options.period, "--period");
    const rt = runtime(false);
    const catalog = await readCatalog(rt.contracts.catalog);
    const { run, orders } = startPayrollRun(rt.store, catalog, period, await readPayrollOrder(rt.store, catalog, rt.contracts.facts));
    process.stderr.write(`payroll ${options.period} run ${run}: ${orders} payment orders\n`);
    const relaying = !serviceRunning(rt);
    if (relaying) rt.oracle.start();
    for (;;) {
      const report = payrollReport(rt.store, period, run);
      progress(report.settled, report.orders, "paying");
      if (report.settled === report.orders) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    process.stderr.write("\n");
    console.log(JSON.stringify(payrollReport(rt.store, period, run), null, 2));
    await rt.close();
  });

program.command("commission").description("a medical commission's members sign an assessment and it is submitted")
  .argument("<file>", "the assessment (JSON)").requiredOption("--keys <files>", "the members' key files, comma-separated")
  .action(async (file: string, options: { keys: string }) => {
    const keyFiles = options.keys.split(",").filter(Boolean);
    if (keyFiles.length === 0) usageError(program, "commission: --keys needs at least one key file");
    const members = keyFiles.flatMap((f) => {
      const json = JSON.parse(readFileSync(f, "utf8")) as { privateKeys?: string[]; privateKey?: string };
      return (json.privateKeys ?? [json.privateKey!]).map((k) => new Wallet(k));
    });
    const rt = runtime(false);
    const deployment = loadDeployment(join(home, "deployment.json"));
    const signed = await signCommissionAssessment(JSON.parse(readFileSync(file, "utf8")), {
      members,
      domain: factDomain(deployment.chainId, deployment.addresses.facts),
      pseudonymKey: resolveSecret(home, "pseudonym-key", config.PACHAIN_PSEUDONYM_KEY),
      nowSeconds: nowSeconds(clockFromEnv()),
    });
    const { sourceId, fiscalCode, record, signatures } = signed.event;
    // The on-chain id (bound to the commission) is what the API and the chain name it by.
    const assessmentId = onChainAssessmentId(Number(record.commissionId), String(record.assessmentId));
    // The same path as the read API's commission endpoint: the gateway validates and queues it.
    await rt.gateway.submitAssessment(Number(record.commissionId), { sourceId, fiscalCode, record: { ...record }, signatures });
    process.stderr.write(`assessment ${assessmentId} queued; report salt ${signed.reportSalt} (keep it with the report)\n`);
    const relaying = !serviceRunning(rt);
    if (relaying) rt.oracle.start();
    for (;;) {
      const submission = await rt.gateway.submission("assessment", assessmentId);
      if (submission?.state === "recorded") {
        console.log(JSON.stringify({ status: "recorded", assessmentId }));
        break;
      }
      if (submission?.state === "refused") {
        console.log(JSON.stringify({ status: "refused", reason: submission.reason?.detail }));
        await rt.close();
        process.exit(1);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await rt.close();
  });

program.command("erase").description("destroy a person's off-chain link (crypto-shredding)").argument("<fiscalCode>", "the person's fiscal code")
  .action(async (fiscalCode: string) => {
    const rt = runtime(false);
    console.log(rt.vault.erase(fiscalCode) ? "link destroyed" : "no link for that fiscal code");
    await rt.close();
  });

program.parseAsync(process.argv).catch((error) => {
  if (error instanceof PaChainError) fail(error.message);
  // One line for the person at the terminal; the stack in the logs at debug level.
  logger.debug({ err: error }, "oracle command failed");
  fail((error as Error).message, 1);
});
