// Demo mode only: the signed-in tokens that stand in for SPID/CIE sign-in, for any role. The
// authenticator signs them (it refuses with 404 outside demo mode); this service checks what the
// real identity providers would: a commission or patronato token names its organisation, and a
// patronato operator is one the consortium's directory lists.
import { ValidationError } from "../../errors.ts";
import type { ApiRole, Authenticator, Principal } from "../auth.ts";

export function createDemoSignIn(deps: {
  auth: Pick<Authenticator, "issueDemoToken">;
  /** Refuses a holder the directory would not back (a patronato operator it does not list). */
  checkHolder?(holder: Principal): void | Promise<void>;
}) {
  return {
    async issue(request: { role: ApiRole; fiscalCode: string; organisation?: number }): Promise<{ token: string; role: ApiRole }> {
      const { role, fiscalCode, organisation } = request;
      if (role === "commission" && organisation === undefined) {
        throw new ValidationError("organisation", "organisation: a commission token needs the commission's organisation id");
      }
      if (role === "patronato" && organisation === undefined) {
        throw new ValidationError("organisation", "organisation: a patronato token needs the patronato's id");
      }
      await deps.checkHolder?.({ role, fiscalCode: fiscalCode.toUpperCase(), organisation });
      const token = await deps.auth.issueDemoToken(role, fiscalCode, role === "citizen" ? undefined : organisation);
      return { token, role };
    },
  };
}

export type DemoSignIn = ReturnType<typeof createDemoSignIn>;
