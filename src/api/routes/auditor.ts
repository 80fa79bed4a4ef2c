// Auditors (and operators, for a person): a person's full timeline and entitlement state, "as of" a
// past date; payments filtered and exported; payroll totals reconciled with the chain. Every read
// of a person's data is written to the access log, with the stated purpose, before it is answered.
import { z } from "zod/v4";
import { formatPeriod } from "../../domain/dates.ts";
import { benefitByCode } from "../../domain/catalog.ts";
import type { Principal } from "../auth.ts";
import { route, reply, type RouteSpec } from "../route.ts";
import {
  entitlementsAnswer, fiscalCodeParam, forecastMonth, historyAnswer, isoDateParam, limitParam, municipalityParam, paymentsAnswer, periodParam, periodTotal, purposeParam,
} from "../schemas.ts";
import { parseAfter, paymentsCsv } from "../services/payments.ts";
import type { ApiServices } from "../services.ts";
import type { StaffRead } from "../services/people.ts";

const FORECAST_MAX_MONTHS = 24;
const CSV_MAX_ROWS = 100_000;

const subjectParams = z.object({ fiscalCode: fiscalCodeParam("fiscalCode") });
const asOfParam = isoDateParam("asOf").optional()
  .meta({ description: "Read the chain as it was at the end of this date (YYYY-MM-DD)" });

export function auditorRoutes(s: ApiServices): RouteSpec[] {
  /** A read of a person by staff: the people service logs it with its purpose before answering. */
  const staff = (who: Principal | undefined, purpose: string, requestId: string): StaffRead => ({ who: who!, purpose, requestId });

  return [
    route({
      method: "get", path: "/v1/subjects/:fiscalCode/history", tag: "auditor", roles: ["auditor", "operator"],
      summary: "A person's full timeline: facts with certifier and signers, decisions, payments, refusals",
      description: "Each item carries its block, transaction hash and time. The read is logged with its purpose and shown to the person.",
      params: subjectParams,
      query: z.object({ purpose: purposeParam, asOf: asOfParam }),
      response: historyAnswer,
      handle: ({ params, query, who, requestId }) => s.people.history(staff(who, query.purpose, requestId), params.fiscalCode, query.asOf),
    }),
    route({
      method: "get", path: "/v1/subjects/:fiscalCode/entitlements", tag: "auditor", roles: ["auditor", "operator"],
      summary: "A person's entitlements at a date, optionally on the chain state as of a past date",
      params: subjectParams,
      query: z.object({ purpose: purposeParam, date: isoDateParam("date").optional(), asOf: asOfParam }),
      response: entitlementsAnswer,
      handle: ({ params, query, who, requestId, today }) =>
        s.people.entitlements(staff(who, query.purpose, requestId), params.fiscalCode, query.date ?? query.asOf ?? today, query.asOf),
    }),
    route({
      method: "get", path: "/v1/payments", tag: "auditor", roles: ["auditor"],
      summary: "Payments filtered by period, benefit and municipality of residence; CSV with format=csv",
      description: "Rows name people by pseudonym only. Paged by `after` (the `next` of the previous page); CSV exports up to 100,000 rows.",
      query: z.object({
        period: periodParam("period").optional(),
        benefit: z.string().optional().meta({ description: "Benefit code, e.g. INV_INDENNITA_ACCOMPAGNAMENTO" }),
        municipality: municipalityParam("municipality").optional(),
        limit: limitParam(CSV_MAX_ROWS, 100),
        after: z.string().optional(),
        format: z.enum(["json", "csv"]).default("json"),
      }),
      response: paymentsAnswer,
      csv: true,
      async handle({ query }) {
        const benefitId = query.benefit === undefined ? undefined : benefitByCode(s.catalog, query.benefit).id;
        const page = await s.listPayments({
          benefitId, period: query.period, municipality: query.municipality, limit: query.limit, after: parseAfter(query.after),
        });
        if (query.format === "csv") return reply({ csv: { fileName: "pa-chain-payments.csv", text: paymentsCsv(page.payments) } });
        return page;
      },
    }),
    route({
      method: "get", path: "/v1/payroll/totals", tag: "auditor", roles: ["auditor", "operator"],
      summary: "Payroll totals per period and benefit, reconciled: the index's payment events against the ledger's totals on chain",
      query: z.object({ period: periodParam("period").optional() }),
      response: z.object({ totals: z.array(periodTotal), reconciled: z.boolean() }),
      async handle({ query }) {
        const totals = await s.reconciledTotals(query.period);
        return { totals, reconciled: totals.every((t) => t.reconciled) };
      },
    }),
    route({
      method: "get", path: "/v1/payments/:paymentId/history", tag: "auditor", roles: ["auditor"],
      summary: "The timeline of the person a payment went to, from the payment (no fiscal code needed)",
      description: "`paymentId` is the payment's place on chain, `block-logIndex` (a row of GET /v1/payments). The read is logged with its purpose against the person, who sees it, like a read by fiscal code.",
      params: z.object({ paymentId: z.string().regex(/^\d{1,12}-\d{1,6}$/, "must be block-logIndex, e.g. 1234-0") }),
      query: z.object({ purpose: purposeParam }),
      response: historyAnswer.extend({ payment: z.object({ block: z.number().int(), logIndex: z.number().int() }) }),
      handle: ({ params, query, who, requestId }) => s.people.paymentHistory(staff(who, query.purpose, requestId), params.paymentId),
    }),
    route({
      method: "get", path: "/v1/payroll/forecast", tag: "auditor", roles: ["auditor", "operator"],
      summary: "The payroll of the coming months per benefit, forecast by the contracts, beside what was actually paid",
      description: "For every person INPS has granted a monetary benefit, BenefitLedger.entitlements(person, first day of the month) for each month: review dates, age limits, income years, deaths and the December thirteenth all follow from the rules on chain. Applications not yet made are not in it.",
      query: z.object({
        from: periodParam("from").optional().meta({ description: "First month, YYYY-MM (default: the current month)" }),
        months: limitParam(FORECAST_MAX_MONTHS, 12).meta({ description: `How many months (1 to ${FORECAST_MAX_MONTHS}, default 12)` }),
      }),
      response: z.object({ from: z.string(), months: z.array(forecastMonth) }),
      async handle({ query, today }) {
        const from = query.from ?? Math.floor(today / 100);
        return { from: formatPeriod(from), months: await s.payrollForecast(from, query.months) };
      },
    }),
  ];
}
