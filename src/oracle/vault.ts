// The off-chain link between fiscal codes and on-chain pseudonyms. The chain holds only the
// pseudonym; this vault holds the fiscal code encrypted at rest (AES-256-GCM under the vault key),
// so the read API can answer a citizen by fiscal code and an auditor can be told whose record it is.
// Erasing a person deletes the link: what remains on chain no longer leads back to anyone here.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { pseudonymise } from "../domain/pseudonym.ts";
import type { PseudonymLinks } from "./pseudonym-links.ts";
import { misconfigured } from "../errors.ts";

export interface PseudonymVault {
  /** The person's pseudonym; remembers the encrypted link. Throws on an invalid fiscal code. */
  remember(fiscalCode: string): `0x${string}`;
  /** The pseudonym without remembering anything (e.g. to look a citizen up). */
  pseudonymOf(fiscalCode: string): `0x${string}`;
  /** The fiscal code behind a pseudonym, if the link exists. */
  reveal(pseudonym: string): string | undefined;
  /** Destroys the link of this person; true when there was one. */
  erase(fiscalCode: string): boolean;
}

export function createPseudonymVault(options: { store: PseudonymLinks; pseudonymKey: string; vaultKey: string }): PseudonymVault {
  const { store, pseudonymKey } = options;
  const key = Buffer.from(options.vaultKey.slice(2), "hex");
  if (key.length !== 32) throw misconfigured("vault key must be 32 bytes");
  const known = new Set<string>();

  return {
    remember(fiscalCode) {
      const pseudonym = pseudonymise(fiscalCode, pseudonymKey);
      if (known.has(pseudonym)) return pseudonym;
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      // The pseudonym is the associated data: a ciphertext moved to another row does not decrypt.
      cipher.setAAD(Buffer.from(pseudonym));
      const ciphertext = Buffer.concat([cipher.update(fiscalCode.trim().toUpperCase(), "utf8"), cipher.final()]);
      store.saveLink(pseudonym, iv, ciphertext, cipher.getAuthTag());
      known.add(pseudonym);
      return pseudonym;
    },
    pseudonymOf(fiscalCode) {
      return pseudonymise(fiscalCode, pseudonymKey);
    },
    reveal(pseudonym) {
      const link = store.link(pseudonym);
      if (!link) return undefined;
      const decipher = createDecipheriv("aes-256-gcm", key, link.iv);
      decipher.setAAD(Buffer.from(pseudonym));
      decipher.setAuthTag(link.tag);
      return Buffer.concat([decipher.update(link.ciphertext), decipher.final()]).toString("utf8");
    },
    erase(fiscalCode) {
      const pseudonym = pseudonymise(fiscalCode, pseudonymKey);
      known.delete(pseudonym);
      return store.eraseLink(pseudonym);
    },
  };
}
