// On chain a person is only HMAC-SHA256(consortium key, fiscal code) (RULES.md, privacy).
// A keyed hash, not a plain one: fiscal codes are few and guessable, so an unkeyed hash could be
// reversed by hashing every plausible code. Only consortium members holding the key can link a
// pseudonym to a person.

import { createHmac } from "node:crypto";
import { ValidationError } from "../errors.ts";
import { parseFiscalCode } from "./fiscal-code.ts";

/** HMAC-SHA256 keys shorter than its output would weaken it; RFC 2104 recommends at least L = 32 bytes. */
export const MIN_KEY_BYTES = 32;

function keyBytes(key: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof key === "string") {
    if (!/^0x([0-9a-fA-F]{2})*$/.test(key)) {
      throw new ValidationError("key", "key: expected 0x-prefixed hex with an even number of digits", {
        code: "INVALID_PSEUDONYM_KEY",
      });
    }
    bytes = Buffer.from(key.slice(2), "hex");
  } else {
    bytes = key;
  }
  if (bytes.length < MIN_KEY_BYTES) {
    throw new ValidationError("key", `key: must be at least ${MIN_KEY_BYTES} bytes, got ${bytes.length}`, {
      code: "INVALID_PSEUDONYM_KEY",
    });
  }
  return bytes;
}

/**
 * The on-chain subject id of a person. The fiscal code is validated first (throws the
 * INVALID_FISCAL_CODE ValidationError), so a typo never becomes a stranger's pseudonym.
 * An omocodia variant is a different string and so a different pseudonym, as the rule says.
 */
export function pseudonymise(fiscalCode: string, key: Uint8Array | string): `0x${string}` {
  const code = parseFiscalCode(fiscalCode);
  return `0x${createHmac("sha256", keyBytes(key)).update(code, "utf8").digest("hex")}`;
}
