// The pseudonym vault's table: the encrypted fiscal code behind each pseudonym (vault.ts encrypts;
// this keeps the rows). Erasing a row is the crypto-shredding of a person.
import type { DatabaseSync } from "node:sqlite";
import type { Row } from "./store.ts";

export interface PseudonymLinks {
  saveLink(pseudonym: string, iv: Buffer, ciphertext: Buffer, tag: Buffer): void;
  link(pseudonym: string): { iv: Buffer; ciphertext: Buffer; tag: Buffer } | undefined;
  eraseLink(pseudonym: string): boolean;
}

export function createPseudonymLinks(db: DatabaseSync): PseudonymLinks {
  return {
    saveLink(pseudonym, iv, ciphertext, tag) {
      db.prepare("INSERT OR REPLACE INTO pseudonyms (pseudonym, iv, ciphertext, tag) VALUES (?, ?, ?, ?)").run(pseudonym, iv, ciphertext, tag);
    },
    link(pseudonym) {
      const row = db.prepare("SELECT iv, ciphertext, tag FROM pseudonyms WHERE pseudonym = ?").get(pseudonym) as Row | undefined;
      if (!row) return undefined;
      return { iv: Buffer.from(row.iv as Uint8Array), ciphertext: Buffer.from(row.ciphertext as Uint8Array), tag: Buffer.from(row.tag as Uint8Array) };
    },
    eraseLink(pseudonym) {
      return Number(db.prepare("DELETE FROM pseudonyms WHERE pseudonym = ?").run(pseudonym).changes) > 0;
    },
  };
}
