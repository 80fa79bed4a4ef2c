// The authenticator keeps tokens it verified (src/api/auth.ts): a repeated token skips the
// signature check, but never outlives the token's exp, and a different token is always verified.
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { SignJWT } from "jose";
import { createAuthenticator } from "../../src/api/auth.ts";

const DEMO_ISSUER = "pa-chain-demo";
const AUDIENCE = "pa-chain-api";
const FISCAL_CODE = "RSSMRA85T10A562S";

function token(key: Uint8Array, expiresInSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: "citizen" }).setProtectedHeader({ alg: "HS256" }).setSubject(FISCAL_CODE)
    .setIssuer(DEMO_ISSUER).setAudience(AUDIENCE).setIssuedAt(now).setExpirationTime(now + expiresInSeconds).sign(key);
}

describe("authenticator's verified tokens", function () {
  this.timeout(30_000);
  const key = new Uint8Array(randomBytes(32));
  const auth = createAuthenticator({ demoKey: key });

  it("answers a repeated token with the same principal, each time a copy", async function () {
    const bearer = `Bearer ${await token(key, 3600)}`;
    const first = await auth.verify(bearer);
    const second = await auth.verify(bearer);
    expect(second).to.deep.equal({ role: "citizen", fiscalCode: FISCAL_CODE }).and.deep.equal(first);
    expect(second).to.not.equal(first);
  });

  it("verifies every other token: one signed with another key is refused after a good one was kept", async function () {
    await auth.verify(`Bearer ${await token(key, 3600)}`);
    const forged = await token(new Uint8Array(randomBytes(32)), 3600);
    await auth.verify(`Bearer ${forged}`).then(() => expect.fail("a forged token was accepted"), (error: Error) => expect(error.message).to.match(/invalid token/));
  });

  it("refuses a kept token once it has expired", async function () {
    const bearer = `Bearer ${await token(key, 2)}`;
    expect((await auth.verify(bearer)).role).to.equal("citizen");
    // Poll until the token's exp passes (a deadline, not a sleep that assumes speed).
    const deadline = Date.now() + 10_000;
    let refused: Error | undefined;
    while (!refused && Date.now() < deadline) {
      refused = await auth.verify(bearer).then(() => undefined, (error: Error) => error);
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(refused?.message).to.match(/invalid token: "exp" claim timestamp check failed/);
  });
});
