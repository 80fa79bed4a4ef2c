// An independent check of a PA Chain credential, written as an outside verifier would: the @sd-jwt
// libraries, jose and fetch only — nothing from the project's src/. From the credential alone it
// finds the issuer's keys (/.well-known/jwt-vc-issuer inserted before the identifier's path),
// verifies the issuer signature, fetches the status list the credential names, checks that list's
// signature with the same keys and reads the credential's status from it.
import { digest } from "@sd-jwt/crypto-nodejs";
import { ES256 } from "@sd-jwt/crypto-nodejs";
import { getListFromStatusListJWT } from "@sd-jwt/jwt-status-list";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";

export interface IndependentResult {
  issuer: string;
  claims: Record<string, unknown>;
  status: number;
  statusListJwt: string;
}

export async function independentlyVerify(credential: string, nowSeconds: number): Promise<IndependentResult> {
  const payload = JSON.parse(Buffer.from(credential.split("~")[0].split(".")[1], "base64url").toString()) as { iss: string };
  const issuer = new URL(payload.iss);
  const metadataUrl = `${issuer.origin}/.well-known/jwt-vc-issuer${issuer.pathname.replace(/\/+$/, "")}`;
  const metadata = (await (await fetch(metadataUrl)).json()) as { issuer: string; jwks: { keys: Array<Record<string, unknown>> } };
  if (metadata.issuer !== payload.iss) throw new Error(`metadata issuer ${metadata.issuer} is not ${payload.iss}`);
  const verifier = await ES256.getVerifier(metadata.jwks.keys[0]);
  let status = -1;
  let statusListJwt = "";
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    verifier,
    statusListFetcher: async (uri) => (statusListJwt = await (await fetch(uri)).text()),
    statusValidator: async (value) => {
      status = value;
    },
  });
  const { payload: claims } = await sdjwt.verify(credential, { currentDate: nowSeconds });
  // The library read the status; read it again from the list itself, as a second opinion.
  const entry = (claims.status as { status_list: { idx: number } }).status_list;
  if (getListFromStatusListJWT(statusListJwt).getStatus(entry.idx) !== status) throw new Error("status mismatch");
  return { issuer: payload.iss, claims: claims as Record<string, unknown>, status, statusListJwt };
}
