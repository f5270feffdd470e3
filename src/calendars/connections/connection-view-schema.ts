import { z } from "zod";

export const connectionView = z
  .object({
    id: z.uuid(),
    provider: z.enum(["google", "microsoft", "sandbox"]),
    accountEmail: z.string(),
    status: z.enum(["active", "needs_reauth", "disconnected"]).describe("needs_reauth: connect the account again"),
    lastSyncAt: z.iso.datetime().nullable(),
    lastError: z.string().nullable().describe("the last sync problem, in words"),
    lastErrorAt: z.iso.datetime().nullable(),
    backoffUntil: z.iso.datetime().nullable().describe("set while the provider asked us to slow down"),
    push: z.enum(["none", "active", "failed"]).describe("whether the provider pushes changes (needs an https PUBLIC_URL)"),
    presence: z
      .object({ status: z.enum(["unknown", "available", "unavailable"]), note: z.string().nullable().describe("why presence cannot be read, said once") })
      .describe("Teams presence, the live signal for Teams meetings (work or school Microsoft accounts only)"),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Connection" });

export type ConnectionView = z.infer<typeof connectionView>;
