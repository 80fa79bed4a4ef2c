// Runtime configuration, parsed once at start-up from the environment. Every key has a default
// that runs the embedded demo; .env.example documents each one.
import { z } from "zod/v4";
import { misconfigured } from "./errors.ts";

/**
 * Well-known development keys of Hardhat's default mnemonic ("test test … junk"): funded on the
 * embedded chain, worthless anywhere else. Production sets every *_KEY variable.
 */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926e",
] as const;

const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key");
const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  PACHAIN_RPC_URL: z.string().url().default("http://127.0.0.1:8545"),
  /** Start the embedded Hardhat node (false when PACHAIN_RPC_URL points at a consortium node). */
  PACHAIN_EMBEDDED_CHAIN: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  PACHAIN_CHAIN_PORT: port.default(8545),
  /** The consortium's chain id (its genesis): production commands refuse a node on another chain. */
  PACHAIN_CHAIN_ID: z.coerce.number().int().min(1).optional(),
  /** Where local state lives: deployment record, keys of the demo organisations, oracle stores. */
  PACHAIN_HOME: z.string().min(1).default(".pachain"),
  /** Runs the whole system as if today were this date (YYYY-MM-DD): demos and tests; read by src/clock.ts. */
  PACHAIN_TODAY: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD").optional(),
  PACHAIN_DEPLOYER_KEY: privateKey.default(DEV_KEYS[0]),
  PACHAIN_CIVIL_RELAYER_KEY: privateKey.default(DEV_KEYS[1]),
  PACHAIN_HEALTH_RELAYER_KEY: privateKey.default(DEV_KEYS[2]),
  PACHAIN_INPS_RELAYER_KEY: privateKey.default(DEV_KEYS[3]),
  /**
   * The feeds this oracle reads, as source=url pairs; each source is relayed by its organisation's
   * account (comune → civil, asl → health, inps → inps). One oracle per organisation lists one source.
   */
  PACHAIN_ORACLE_SOURCES: z
    .string()
    .default("comune=http://127.0.0.1:7101,asl=http://127.0.0.1:7102,inps=http://127.0.0.1:7103")
    .transform((value, ctx) => {
      const sources: Array<{ source: "comune" | "asl" | "inps"; url: string }> = [];
      for (const pair of value.split(",").map((p) => p.trim()).filter(Boolean)) {
        const [source, url] = pair.split("=");
        if (!["comune", "asl", "inps"].includes(source) || !url || !URL.canParse(url)) {
          ctx.addIssue({ code: "custom", message: `"${pair}" is not source=url with source comune, asl or inps` });
          return z.NEVER;
        }
        sources.push({ source: source as "comune" | "asl" | "inps", url });
      }
      return sources;
    }),
  /**
   * The organisation this oracle runs for (e.g. asl-roma-1). When set, the oracle is that one
   * organisation's: its sources map to one relayer account, whose key and the consortium
   * pseudonym key must be given (no development keys, no locally created secrets).
   */
  PACHAIN_ORACLE_ORGANISATION: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be an organisation slug (lower-case letters, digits, dashes)").optional(),
  /** Transactions each relayer signs and sends before waiting for their receipts (deeper fills Besu's blocks). */
  PACHAIN_RELAYER_PIPELINE_DEPTH: z.coerce.number().int().min(1).max(256).default(8),
  /** Seconds an INPS application waits before it is decided, so other organisations' facts can land (0: one oracle relays every source). */
  PACHAIN_DECISION_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(0),
  /** Port of the oracle's Prometheus /metrics on 127.0.0.1 (0 = any free port). */
  PACHAIN_ORACLE_METRICS_PORT: port.default(9464),
  /** Port of the oracle's gateway on 127.0.0.1, which a read API in another process calls (0 = any free port). */
  PACHAIN_ORACLE_GATEWAY_PORT: port.default(9465),
  /**
   * Shared secret of the oracle's gateway: the oracle serves the gateway only when it is set, and
   * the read API sends it with every call. At least 32 characters (e.g. 0x + 64 hex).
   */
  PACHAIN_ORACLE_GATEWAY_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Read API: the gateway of an oracle in another process (http://127.0.0.1:9465); needs PACHAIN_ORACLE_GATEWAY_SECRET. */
  PACHAIN_ORACLE_GATEWAY_URL: z.string().url().optional(),
  /** Legacy gas price in wei for free-gas networks (Besu QBFT: 0); unset = the node's fee data. */
  PACHAIN_GAS_PRICE: z.string().regex(/^\d+$/, "must be a whole number of wei").optional(),
  /** AES-256-GCM key of the pseudonym vault (default: created in PACHAIN_HOME). */
  PACHAIN_VAULT_KEY: z.string().optional(),
  /** People in the demo population of the source simulators (npm start). */
  PACHAIN_DEMO_SIZE: z.coerce.number().int().min(10).max(1_000_000).default(3000),
  /**
   * npm start on a fresh PACHAIN_HOME builds the chain's past from this day (YYYY-MM-DD) to today:
   * facts recorded on their days, a payroll every month (src/demo/history.ts); "off" records
   * everything today, as a restart does.
   */
  PACHAIN_DEMO_HISTORY_FROM: z.string().regex(/^(\d{4}-\d{2}-\d{2}|off)$/, "must be YYYY-MM-DD or off").default("2025-01-01"),
  /**
   * Production (npm run deploy:consortium): ADMIN's AccessManager execution delay in seconds, set
   * once the consortium is applied; from then on a role grant is scheduled and executes after it.
   * The demo (npm start) never applies it: its ADMIN keeps zero delay.
   */
  PACHAIN_ADMIN_DELAY_SECONDS: z.coerce.number().int().min(0).max(30 * 86_400).default(2 * 86_400),
  /**
   * Production (npm run deploy:consortium): the execution delays of the other governance roles,
   * set with ADMIN's (src/production/deploy.ts ensureGovernanceDelays, docs/security.md).
   * GOVERNANCE (benefit terms, wave phases, and unpausing) and REGISTRAR (organisations and their
   * signing keys); GUARDIAN keeps none, so pausing stays immediate. The demo keeps zero delays.
   */
  PACHAIN_GOVERNANCE_DELAY_SECONDS: z.coerce.number().int().min(0).max(30 * 86_400).default(86_400),
  PACHAIN_REGISTRAR_DELAY_SECONDS: z.coerce.number().int().min(0).max(30 * 86_400).default(86_400),
  /** Read API: port on 127.0.0.1 (0 = any free port). */
  PACHAIN_API_PORT: port.default(3000),
  /** Read API demo mode: POST /v1/dev/token issues tokens for any role. Off unless set; npm start sets it. */
  PACHAIN_API_DEMO: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  /** Production token issuer (OIDC, SPID/CIE) and its JWKS. */
  PACHAIN_API_ISSUER: z.string().optional(),
  PACHAIN_API_JWKS_URL: z.string().url().optional(),
  /** Key that signs the credentials and status lists the read API issues (ES256: a P-256 private scalar, 0x + 64 hex; default: created in PACHAIN_HOME). */
  PACHAIN_CREDENTIAL_ISSUER_KEY: z.string().optional(),
  /** Transaction key of the account that anchors each status list on chain (role CREDENTIAL_ISSUER). Default: a public development key. */
  PACHAIN_CREDENTIAL_ANCHOR_KEY: privateKey.default(DEV_KEYS[4]),
  /** The read API's public address (credential issuer identifier = this + /credentials); default: where it listens. */
  PACHAIN_API_PUBLIC_URL: z.string().url().optional(),
  /** Longest lifetime (exp − iat, seconds) of a bearer token the API accepts; tokens without exp are refused. */
  PACHAIN_API_TOKEN_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(12 * 3600),
  /** Read API rate limit per client (verified token's role and subject, else address): sustained requests per second… */
  PACHAIN_API_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(50),
  /** …and the burst a client may send at once. */
  PACHAIN_API_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** Public routes' own budget per address (proof verification needs no token): sustained requests per second… */
  PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(10),
  /** …and the burst an address may send at once. */
  PACHAIN_API_PUBLIC_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(30),
  /** SQLite file of the read API's access log (default: $PACHAIN_HOME/api/access-log.sqlite); unused when DATABASE_URL is set. */
  PACHAIN_API_ACCESS_LOG_FILE: z.string().min(1).optional(),
  /**
   * Directory of the submitting systems' public keys, one JWKS file per commission
   * (commission-<id>.jwks.json), that sign the Agid-JWT-Signature of writes (default: $PACHAIN_HOME/api/integrity-keys).
   */
  PACHAIN_API_INTEGRITY_KEYS_DIR: z.string().min(1).optional(),
  /** SQLite file of the delegations to patronati (default: $PACHAIN_HOME/api/delegations.sqlite); unused when DATABASE_URL is set. */
  PACHAIN_API_DELEGATIONS_FILE: z.string().min(1).optional(),
  /** Days an ended (revoked or expired) delegation is kept for the audit before it is deleted with its claims (docs/patronati.md). */
  PACHAIN_API_DELEGATIONS_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(730),
  /** Consortium HMAC key that turns fiscal codes into pseudonyms (default: created in PACHAIN_HOME). */
  PACHAIN_PSEUDONYM_KEY: z.string().optional(),
  /** SQLite file of the indexer (default: $PACHAIN_HOME/indexer/index.sqlite); unused when DATABASE_URL is set. */
  PACHAIN_INDEXER_SQLITE_FILE: z.string().min(1).optional(),
  /** Blocks on top of a block before the indexer reads it: 0 on QBFT (final at once); more on a chain that reorganises. */
  PACHAIN_INDEXER_CONFIRMATIONS: z.coerce.number().int().min(0).max(10_000).default(0),
  /** Blocks per eth_getLogs request while backfilling (halved automatically when the node refuses a range). */
  PACHAIN_INDEXER_BATCH_BLOCKS: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  /** How often the indexer asks for new blocks once caught up, in milliseconds. */
  PACHAIN_INDEXER_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  /** PostgreSQL for the indexer's store (postgres://user:pass@host/db); unset = the SQLite file. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
  /** IO's Services API (the IO simulator in the demo). */
  PACHAIN_IO_URL: z.string().url().default("http://127.0.0.1:7104"),
  /** IO subscription key of the INPS service (Ocp-Apim-Subscription-Key); the demo's by default. */
  PACHAIN_IO_SUBSCRIPTION_KEY: z.string().min(1).default("pachain-demo-io-subscription-key"),
  /** Where a notice's call to action opens the citizen page (the read API's public address + /cittadino). */
  PACHAIN_NOTIFIER_CLAIM_URL: z.string().url().default("http://127.0.0.1:3000/cittadino"),
  /** Port of the notifier's Prometheus metrics on 127.0.0.1 (0: any free port). */
  PACHAIN_NOTIFIER_METRICS_PORT: port.default(9465),
  /** How often the notifier looks for new indexed events, in milliseconds. */
  PACHAIN_NOTIFIER_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
}).superRefine((config, ctx) => {
  if (config.PACHAIN_ORACLE_GATEWAY_URL !== undefined && config.PACHAIN_ORACLE_GATEWAY_SECRET === undefined) {
    ctx.addIssue({ code: "custom", path: ["PACHAIN_ORACLE_GATEWAY_SECRET"], message: "must be set with PACHAIN_ORACLE_GATEWAY_URL" });
  }
});

export type Config = z.infer<typeof schema>;

/** Parses the environment; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw misconfigured(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return result.data;
}
