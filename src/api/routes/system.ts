// The service itself: AgID's `/status` (RFC 9457 problem details, no token, so PDND and the
// consortium's probes see whether the service works) and, in demo mode only, the demo tokens that
// stand in for SPID/CIE sign-in.
import { z } from "zod/v4";
import { PaChainError } from "../../errors.ts";
import { ROLES } from "../auth.ts";
import { PROBLEM_JSON, STATUS_TITLES } from "../problem.ts";
import { route, reply, type RouteSpec } from "../route.ts";
import type { DemoSignIn } from "../services/demo-sign-in.ts";

/** The service's own parts (createApp builds them from its dependencies: the authenticator, readiness). */
export interface SystemLink {
  /** Demo sign-in (src/api/services/demo-sign-in.ts). */
  signIn: DemoSignIn;
  /** Whether the chain answers and how far behind the index is. */
  readiness(): Promise<{ ready: boolean; chain: string; index: string }>;
}

const statusAnswer = z.object({
  type: z.string().meta({ description: "about:blank: the status carries no problem type", format: "uri", examples: ["about:blank"] }),
  title: z.string().meta({ examples: ["OK"] }),
  status: z.number().int().min(100).max(599).meta({ format: "int32", examples: [200] }),
  detail: z.string().meta({ examples: ["chain answering; index caught up"] }),
}).meta({ id: "ServiceStatus", description: "The service's status as RFC 9457 problem details (AgID: /status)" });

export function systemRoutes(link: SystemLink | undefined): RouteSpec[] {
  const linked = () => {
    if (!link) throw new PaChainError("UNAVAILABLE", "the service is not wired", { status: 503, retryable: true });
    return link;
  };
  return [
    route({
      method: "get", path: "/status", tag: "system", roles: "public",
      summary: "Whether the service works (AgID health check)",
      description: "No token. 200 while the chain node answers (the detail says how far behind the index is); 503 with Retry-After when it does not.",
      contentType: PROBLEM_JSON,
      response: statusAnswer,
      async handle() {
        const state = await linked().readiness();
        if (state.chain !== "answering") {
          throw new PaChainError("UNAVAILABLE", `chain ${state.chain}; index ${state.index}`, { status: 503, retryable: true });
        }
        return { type: "about:blank", title: STATUS_TITLES[200], status: 200, detail: `chain ${state.chain}; index ${state.index}` };
      },
    }),
    route({
      method: "post", path: "/v1/dev/token", tag: "demo", roles: "public",
      summary: "Demo mode only: a signed-in token for any role",
      description: "Stands in for SPID/CIE sign-in so a person can try every role. Only when the API runs in demo mode (PACHAIN_API_DEMO=true); otherwise 404. Production tokens come from the configured OIDC issuer.",
      body: z.object({
        role: z.enum(ROLES),
        fiscalCode: z.string().meta({ description: "The holder's fiscal code", examples: ["RSSMRA85T10A562S"] }),
        organisation: z.number().int().positive().optional().meta({ description: "The organisation id: the commission's (commission tokens) or the patronato's (patronato tokens)", examples: [12] }),
      }).strict(),
      response: z.object({
        token: z.string().meta({ description: "Bearer JWT, valid one hour", examples: ["eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiY2l0aXplbiJ9.c2lnbmF0dXJl"] }),
        role: z.enum(ROLES),
      }),
      status: 201,
      handle: async ({ body }) => reply({ status: 201, body: await linked().signIn.issue(body) }),
    }),
  ];
}
