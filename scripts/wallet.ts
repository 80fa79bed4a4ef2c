// npm run wallet -- <command>: the demo wallet (src/wallet/demo-wallet.ts), a key and credentials
// in a directory (default .pachain/wallet; --dir DIR).
//   init [--force]                      create the wallet's ES256 key
//   accept OFFER                        take a credential offer (openid-credential-offer://… or JSON)
//   list [--status]                     the credentials held, their claims (and their status)
//   present REQUEST [--credential ID] [--claims a,b]
//                                       print a presentation for a verifier's request (openid4vp://… or JSON)
import { parseArgs } from "node:util";
import { acceptOffer, initWallet, listCredentials, present } from "../src/wallet/demo-wallet.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: "string", default: process.env.PACHAIN_WALLET_DIR ?? ".pachain/wallet" },
    force: { type: "boolean", default: false },
    status: { type: "boolean", default: false },
    credential: { type: "string" },
    claims: { type: "string" },
  },
});
const [command, argument] = positionals;
const dir = values.dir!;

try {
  switch (command) {
    case "init":
      process.stdout.write(`${JSON.stringify({ dir, publicKey: await initWallet({ dir, force: values.force }) }, null, 2)}\n`);
      break;
    case "accept": {
      if (!argument) throw new Error("accept needs the offer (openid-credential-offer://… or its JSON)");
      const stored = await acceptOffer({ dir, offer: argument });
      process.stdout.write(`${JSON.stringify({ id: stored.id, configuration: stored.configuration, issuer: stored.issuer, claims: stored.claims }, null, 2)}\n`);
      break;
    }
    case "list":
      process.stdout.write(`${JSON.stringify(await listCredentials({ dir, withStatus: values.status }), null, 2)}\n`);
      break;
    case "present": {
      if (!argument) throw new Error("present needs the request (openid4vp://… or its JSON)");
      const claims = values.claims?.split(",").map((c) => c.trim()).filter(Boolean);
      process.stdout.write(`${await present({ dir, request: argument, credentialId: values.credential, claims })}\n`);
      break;
    }
    default:
      process.stderr.write("usage: npm run wallet -- init|accept OFFER|list [--status]|present REQUEST [--credential ID] [--claims a,b] [--dir DIR]\n");
      process.exit(2);
  }
} catch (error) {
  process.stderr.write(`wallet: ${(error as Error).message}\n`);
  process.exit(1);
}
