// Prometheus metrics of the notifier: notices sent, deferred (IO busy or down, tried again later),
// not delivered (not on IO, service blocked) and failed, by kind; and the outbox's backlog.
import { Counter, Gauge, Registry } from "prom-client";

export interface NotifierMetrics {
  registry: Registry;
  sent: Counter<"kind">;
  deferred: Counter<"kind">;
  notDelivered: Counter<"kind" | "why">;
  failed: Counter<"kind">;
  pending: Gauge;
}

export function createNotifierMetrics(registry = new Registry()): NotifierMetrics {
  return {
    registry,
    sent: new Counter({ name: "pachain_notices_sent_total", help: "Notices IO accepted, by kind", labelNames: ["kind"], registers: [registry] }),
    deferred: new Counter({ name: "pachain_notices_deferred_total", help: "Notice attempts deferred because IO was busy or unreachable, by kind", labelNames: ["kind"], registers: [registry] }),
    notDelivered: new Counter({ name: "pachain_notices_not_delivered_total", help: "Notices not delivered: the person is not on IO or blocked the service", labelNames: ["kind", "why"], registers: [registry] }),
    failed: new Counter({ name: "pachain_notices_failed_total", help: "Notices IO refused for good, by kind", labelNames: ["kind"], registers: [registry] }),
    pending: new Gauge({ name: "pachain_notices_pending", help: "Notices waiting to be sent", registers: [registry] }),
  };
}
