import { z } from "zod";

export const profileView = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string().nullable(),
    timeZone: z.string().describe("the IANA zone times are shown in (from settings)"),
    sandbox: z.boolean().describe("signed in through the sample calendar: sends land in the outbox preview"),
    connections: z.number().int().describe("connected calendars (active or needing re-authorisation)"),
    now: z.iso.datetime().describe("the service's clock: what \"today\" and \"now\" mean for detection"),
  })
  .meta({ id: "Profile" });
