// npm run oracle -- [COMMAND]
//   (none)                          run the oracle service until Ctrl-C
//   status                          outbox counts and dead letters
//   dead-letters                    list dead letters with their decoded reasons
//   redrive ID... | --all           put dead letters back in the queue
//   payroll --period YYYY-MM        order the monthly payroll and follow it to its report
//   commission FILE --keys F1[,F2]  sign an assessment with the members' key files and submit it
//   erase FISCAL_CODE               destroy the off-chain link of a person (crypto-shredding)
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Wallet } from "ethers";
import { clockFromEnv, nowSeconds } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { factDomain, onChainAssessmentId } from "../src/chain/signing.ts";
import { loadDeployment } from "../src/chain/deploy.ts";
import { parsePeriod } from "../src/domain/dates.ts";
import { PaChainError } from "../src/errors.ts";
import { createLogger } from "../src/logger.ts";
import { signCommissionAssessment } from "../src/oracle/commission.ts";
import { startMetricsServer } from "../src/oracle/metrics-server.ts";
import { payrollReport, startPayrollRun } from "../src/oracle/payroll.ts";
import { HEARTBEAT } from "../src/oracle/service.ts";
import { createOracleRuntime, type OracleRuntime } from "../src/oracle/wiring.ts";
import { resolveSecret } from "../src/secrets.ts";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const home = resolve(config.PACHAIN_HOME);
const [command = "run", ...args] = process.argv.slice(2);

function option(name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

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

async function main(): Promise<void> {
  switch (command) {
    case "run": {
      const rt = runtime(true);
      rt.oracle.start();
      const metrics = await startMetricsServer(rt.metrics.registry, config.PACHAIN_ORACLE_METRICS_PORT);
      logger.info({ url: `${metrics.url}/metrics` }, "oracle metrics listening");
      const stop = async () => {
        await metrics.close();
        await rt.close();
        process.exit(0);
      };
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
      return;
    }
    case "status":
    case "dead-letters": {
      const rt = runtime(false);
      if (command === "status") console.log(JSON.stringify(rt.store.counts()));
      for (const item of rt.store.items({ status: "dead" })) {
        console.log(`${item.id}\t${item.source}\t${item.recordKey}\t${item.errorDetail ?? item.errorName}`);
      }
      await rt.close();
      return;
    }
    case "redrive": {
      const rt = runtime(false);
      const ids = args.includes("--all") ? undefined : args.map(Number).filter(Number.isInteger);
      if (ids !== undefined && ids.length === 0) fail("redrive: give dead-letter ids or --all");
      console.log(`${rt.store.redrive(ids)} dead letter(s) back in the queue`);
      await rt.close();
      return;
    }
    case "payroll": {
      const period = parsePeriod(option("--period"), "--period");
      const rt = runtime(false);
      const { run, orders } = startPayrollRun(rt.store, rt.catalog, period);
      process.stderr.write(`payroll ${option("--period")} run ${run}: ${orders} payment orders\n`);
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
      return;
    }
    case "commission": {
      const file = args[0];
      const keyFiles = option("--keys")?.split(",") ?? [];
      if (!file || keyFiles.length === 0) fail("usage: commission ASSESSMENT.json --keys MEMBER_KEYS.json[,MORE.json]");
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
      const accepted = rt.intake.accept("commission", "health", signed.event);
      if (accepted.type !== "item") fail("not an assessment");
      if (accepted.item.dead) fail(`assessment refused: ${accepted.item.dead.errorDetail}`);
      rt.store.enqueue([accepted.item]);
      // The on-chain id (bound to the commission) is what the API and the chain name it by.
      const assessmentId = onChainAssessmentId(signed.event.record.commissionId, signed.event.record.assessmentId);
      process.stderr.write(`assessment ${assessmentId} queued; report salt ${signed.reportSalt} (keep it with the report)\n`);
      const relaying = !serviceRunning(rt);
      if (relaying) rt.oracle.start();
      for (;;) {
        const item = rt.store.itemByKey(accepted.item.recordKey);
        if (item?.status === "done") {
          console.log(JSON.stringify({ status: "recorded", assessmentId }));
          break;
        }
        if (item?.status === "dead") {
          console.log(JSON.stringify({ status: "refused", reason: item.errorDetail }));
          await rt.close();
          process.exit(1);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      await rt.close();
      return;
    }
    case "erase": {
      const rt = runtime(false);
      console.log(rt.vault.erase(args[0] ?? "") ? "link destroyed" : "no link for that fiscal code");
      await rt.close();
      return;
    }
    default:
      fail(`unknown command "${command}" (run, status, dead-letters, redrive, payroll, commission, erase)`);
  }
}

main().catch((error) => {
  if (error instanceof PaChainError) fail(error.message);
  logger.error({ err: error }, "oracle command failed");
  process.exit(1);
});
