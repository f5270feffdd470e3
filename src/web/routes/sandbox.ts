import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../platform/index.js";
import type { SandboxService } from "../../calendars/index.js";
import { isZoneName, zoneNameProblem } from "../../platform/index.js";
import { errorReply } from "../schemas/error.js";
import { heldMeeting, sandboxReset, sandboxSignInBody, signInProviders } from "../../calendars/index.js";

export interface SandboxRouteOptions {
  sandbox: SandboxService;
  /** which sign-in buttons the start page shows */
  providers: { google: boolean; microsoft: boolean; sandbox: boolean };
}

const authLimit = { rateLimit: { max: 30, timeWindow: "1 minute" } };

/**
 * The sandbox: sign-in without OAuth, a reset, and the simulated world outside. Everything
 * answers 404 when the sandbox is off (real credentials without SANDBOX=true).
 */
export const sandboxRoutes: FastifyPluginAsyncZod<SandboxRouteOptions> = async (app, { sandbox, providers }) => {
  // The start page's plain HTML form posts urlencoded; only this plugin accepts that type.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  const sandboxOn = async () => {
    if (!providers.sandbox) throw new AppError("The sandbox is off on this server: it is on by default only without OAuth credentials; set SANDBOX=true to offer it anyway", { code: "sandbox_off", httpStatus: 404 });
  };

  app.get(
    "/auth/providers",
    { config: authLimit, schema: { tags: ["auth"], summary: "Which sign-in buttons the start page shows", description: "Public: the start page asks before anyone is signed in.", response: { 200: signInProviders } } },
    async () => providers,
  );

  app.post(
    "/auth/sandbox",
    {
      // after the rate limit and body validation, so an off sandbox still counts and validates requests
      preHandler: sandboxOn,
      config: authLimit,
      schema: {
        tags: ["sandbox"],
        summary: "Sign in as the sandbox user (a labelled sample calendar, no account needed)",
        description:
          "Creates or reuses the one sandbox user, seeds its sample meetings relative to now (once: a second sign-in reuses them; POST /auth/sandbox/reset starts over), syncs them, sets the session cookie and redirects to the dashboard. Accepts JSON or a plain HTML form.",
        body: sandboxSignInBody.optional(),
        response: { 303: z.null().describe("Signed in: redirect to the dashboard"), 400: errorReply, 404: errorReply },
      },
    },
    async (request, reply) => {
      const timeZone = request.body?.timeZone;
      // The same rule as settings: the sandbox user's zone is theirs from here on.
      if (timeZone !== undefined && !isZoneName(timeZone)) {
        throw new AppError(`body/timeZone: ${zoneNameProblem(timeZone)}`, { code: "validation_failed", httpStatus: 400 });
      }
      const signedIn = await sandbox.signIn({ timeZone });
      if (request.session?.userId !== signedIn.userId) await app.startSession(reply, signedIn.userId);
      request.log.info({ connectionId: signedIn.connectionId, seeded: signedIn.seeded }, "signed in to the sandbox");
      return reply.redirect("/?connected=sandbox", 303);
    },
  );

  app.post(
    "/auth/sandbox/reset",
    {
      // after the rate limit: every /auth route counts each request, signed in or not
      preHandler: [app.requireUser, sandboxOn],
      config: authLimit,
      schema: {
        tags: ["sandbox"],
        summary: "Start the sandbox loop over: fresh sample meetings relative to now",
        description: "Sandbox user only. Its meetings, recovery cases, drafts, alerts and outbox are removed and the samples seeded again; settings stay.",
        body: z.object({}).strict().optional(),
        response: { 200: sandboxReset, 401: errorReply, 403: errorReply, 404: errorReply },
      },
    },
    async (request) => sandbox.reset(request.session!.userId),
  );

  app.post(
    "/api/sandbox/simulate/rescheduled-meeting-held",
    {
      onRequest: app.requireUser,
      preHandler: sandboxOn,
      schema: {
        tags: ["sandbox"],
        summary: "SIMULATION (sandbox only): the rescheduled meeting takes place, and you attend",
        description:
          "Part of the sandbox's simulated world outside, not of the product. The rescheduled meeting (the sample client accepts the first proposed slot about 20 s after the reschedule proposal is sent) moves into the recent past with conference attendance for you; the calendar syncs, detection marks it attended and the thank-you step drafts its email. 409 until there is a rescheduled meeting.",
        body: z.object({}).strict().optional(),
        response: { 200: heldMeeting, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply },
      },
    },
    async (request) => sandbox.simulateRescheduledMeetingHeld(request.session!.userId),
  );
};
