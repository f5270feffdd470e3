import { z } from "zod";

export const signInProviders = z
  .object({
    google: z.boolean().describe("\"Connect Google\" is configured (GOOGLE_CLIENT_ID/SECRET)"),
    microsoft: z.boolean().describe("\"Connect Outlook\" is configured (MICROSOFT_CLIENT_ID/SECRET)"),
    sandbox: z.boolean().describe("\"Try the sandbox\" is offered (SANDBOX, on by default without OAuth clients)"),
  })
  .meta({ id: "SignInProviders" });

export const sandboxSignInBody = z
  .object({
    timeZone: z.string().max(100).optional().describe("IANA zone of the browser, used when the sandbox user is first created (default: the server's zone)"),
  })
  .strict();

export const sandboxReset = z.object({ seeded: z.number().int().describe("sample events written") }).meta({ id: "SandboxReset" });

export const heldMeeting = z
  .object({
    title: z.string(),
    start: z.iso.datetime(),
    end: z.iso.datetime(),
  })
  .meta({ id: "SandboxHeldMeeting" });
