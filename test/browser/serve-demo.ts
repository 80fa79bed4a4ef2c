// A demo API for looking at the pages by hand (not a test): the browser tests' system with a few
// months of payroll, on a free port, until stopped; prints the address and people to sign in as.
// `npx node test/browser/serve-demo.ts`
import { join } from "node:path";
import { loadConsortium } from "../../src/demo/consortium.ts";
import { startDemoApi } from "../api/demo-api.ts";
import { readFeed } from "../oracle/harness.ts";

const demo = await startDemoApi({ size: 60, seed: 3, payroll: true, pastMonths: Number(process.env.PAST_MONTHS ?? 3) });
const people = [...new Set((await readFeed(demo.system.sources.comune)).filter((e) => e.kind === "civil").map((e) => String(e.fiscalCode)))];
const paid = people.filter((p) => demo.paidSubjects.has(demo.rt.vault.pseudonymOf(p)));
const commission = loadConsortium(join(demo.system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION")!;
process.stdout.write(`${JSON.stringify({ url: demo.api.url, paid, unpaid: people.filter((p) => !paid.includes(p)).slice(0, 5), commission: commission.orgId })}\n`);
const stop = async () => {
  await demo.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
