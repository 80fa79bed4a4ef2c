// Builds the read API from configuration and listens on loopback.
import type { Server } from "node:http";
import { resolve } from "node:path";
import { JsonRpcProvider } from "ethers";
import type { Config } from "../config.ts";
import { attachContracts } from "../chain/contracts.ts";
import type { Deployment } from "../chain/deploy.ts";
import { loadCatalog } from "../domain/catalog.ts";
import { pseudonymise } from "../domain/pseudonym.ts";
import type { Logger } from "../logger.ts";
import { resolveSecret } from "../secrets.ts";
import { createApp } from "./app.ts";
import { createAuthenticator } from "./auth.ts";

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export async function startApi(options: { config: Config; deployment: Deployment; logger: Logger; port?: number }): Promise<RunningApi> {
  const { config, deployment, logger } = options;
  const home = resolve(config.PACHAIN_HOME);
  const provider = new JsonRpcProvider(config.PACHAIN_RPC_URL, deployment.chainId, { staticNetwork: true });
  const pseudonymKey = resolveSecret(home, "pseudonym-key", config.PACHAIN_PSEUDONYM_KEY);
  const demoKey = config.PACHAIN_API_DEMO
    ? Buffer.from(resolveSecret(home, "api-demo-jwt-key", undefined).slice(2), "hex")
    : undefined;
  const app = createApp({
    contracts: attachContracts(deployment.addresses, provider),
    catalog: loadCatalog(),
    vault: { pseudonymOf: (fiscalCode) => pseudonymise(fiscalCode, pseudonymKey) },
    auth: createAuthenticator({ demoKey, jwksUrl: config.PACHAIN_API_JWKS_URL, issuer: config.PACHAIN_API_ISSUER }),
    logger,
    chainReady: async () => {
      try {
        await provider.getBlockNumber();
        return true;
      } catch {
        return false;
      }
    },
  });
  const server: Server = await new Promise((resolveServer, reject) => {
    const s = app.listen(options.port ?? config.PACHAIN_API_PORT, "127.0.0.1", () => resolveServer(s)).once("error", reject);
  });
  const { port } = server.address() as { port: number };
  logger.info({ url: `http://127.0.0.1:${port}`, demo: config.PACHAIN_API_DEMO }, "read API listening");
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => {
      server.close(() => done());
      server.closeAllConnections();
      provider.destroy();
    }),
  };
}
