// The monitoring kit written beside a generated Besu network: Prometheus's scrape configuration and
// alert rules pass promtool's checks, the alert rules pass their unit tests (promtool test rules),
// every validator's own metrics are scraped, the dashboard covers the whole system, and the
// compose file pins its images.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateNetwork, writeNetwork } from "../../src/production/besu.ts";
import { promtool, requirePromtool } from "../support/promtool.ts";

describe("monitoring kit beside the Besu network", function () {
  this.timeout(120_000);
  let dir: string;
  const network = generateNetwork({ validators: 4, names: ["inps", "asl-roma-1", "comune-roma", "comune-milano"] });

  before(function () {
    dir = mkdtempSync(join(tmpdir(), "pachain-monitoring-"));
    writeNetwork(network, join(dir, "net"));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string) => join(dir, "net", "monitoring", name);

  it("scrapes every validator's Besu metrics, the read API and the oracle", function () {
    const config = readFileSync(file("prometheus.yml"), "utf8");
    for (const node of network.nodes) expect(config).to.contain(`"${node.host}:9545"`).and.contain(`node: "${node.name}"`);
    expect(config).to.contain("job_name: pachain-api").and.contain("job_name: pachain-oracle").and.contain("job_name: besu");
  });

  it("passes promtool check config and check rules", function () {
    requirePromtool(this, "promtool check config/rules");
    const config = promtool(["check", "config", file("prometheus.yml")]);
    expect(config.status, config.output).to.equal(0);
    const rules = promtool(["check", "rules", file("alerts.yml")]);
    expect(rules.status, rules.output).to.equal(0);
    expect(rules.output).to.match(/SUCCESS: 6 rules found/);
  });

  it("alert rules pass their unit tests: oracle stalled, dead letters rising, indexer behind, chain head stale, validator down", function () {
    requirePromtool(this, "promtool test rules");
    const tests = readFileSync(file("alerts.test.yml"), "utf8");
    for (const alert of ["PaChainOracleStalled", "PaChainDeadLettersRising", "PaChainIndexerBehind", "PaChainChainHeadStale", "PaChainValidatorDown"]) {
      expect(tests, alert).to.contain(`alertname: ${alert}`);
    }
    const run = promtool(["test", "rules", file("alerts.test.yml")]);
    expect(run.status, run.output).to.equal(0);
    expect(run.output).to.contain("SUCCESS");
  });

  it("has a Grafana dashboard of the whole system, provisioned, and pins every image of the compose file", function () {
    const dashboard = JSON.parse(readFileSync(join(dir, "net", "monitoring", "grafana", "dashboards", "pa-chain.json"), "utf8"));
    const exprs = JSON.stringify(dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr)));
    for (const metric of [
      "pachain_chain_head_block", "pachain_chain_head_age_seconds", 'up{job=\\"besu\\"}', "ethereum_blockchain_height", "pachain_oracle_outbox_depth",
      "pachain_oracle_dead_letters", "pachain_oracle_relayer_transactions_in_flight", "pachain_oracle_relayer_last_nonce", "pachain_oracle_source_cursor",
      "pachain_indexer_lag_blocks", "pachain_indexer_lag_seconds", "pachain_api_request_duration_seconds_bucket",
    ]) expect(exprs, metric).to.contain(metric);
    const compose = network.files.get("docker-compose.yml")!;
    const images = [...compose.matchAll(/image: "([^"]+)"/g)].map((m) => m[1]);
    expect(images.length).to.equal(network.nodes.length + 2);
    for (const image of images) expect(image, image).to.match(/:v?\d+\.\d+\.\d+$/);
    expect(compose).to.contain("./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
  });
});
