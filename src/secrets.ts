// Consortium secrets: from the environment in production; on the embedded demo, created once in
// PACHAIN_HOME (mode 0600) so every process of the demo shares them across restarts.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { misconfigured } from "./errors.ts";

const HEX_32 = /^0x[0-9a-fA-F]{64}$/;

/** A 32-byte hex secret: `fromEnv` when set, else the file `name` under `home` (created on first use). */
export function resolveSecret(home: string, name: string, fromEnv: string | undefined): string {
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!HEX_32.test(fromEnv)) throw misconfigured(`${name}: must be 0x followed by 64 hex digits`);
    return fromEnv;
  }
  const file = join(home, "secrets", name);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `0x${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const value = readFileSync(file, "utf8").trim();
  if (!HEX_32.test(value)) throw misconfigured(`${file}: corrupt secret (expected 0x + 64 hex digits)`);
  return value;
}
