import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { MeetingQueries } from "../../detection/index.js";
import { apiDateTime } from "../schemas/date-time.js";
import { errorReply } from "../schemas/error.js";
import { meetingView } from "../../detection/index.js";

export const meetingRoutes: FastifyPluginAsyncZod<{ meetings: MeetingQueries }> = async (app, { meetings }) => {
  app.addHook("onRequest", app.requireUser);

  app.get(
    "/api/meetings",
    {
      schema: {
        tags: ["meetings"],
        summary: "The signed-in user's synced meetings with their detection state",
        description: "Meetings overlapping [from, to); by default from the start of yesterday to 14 days ahead (UTC).",
        querystring: z
          .object({
            from: apiDateTime.optional(),
            to: apiDateTime.optional(),
            watched: z.enum(["true", "false"]).optional().transform((v) => (v === undefined ? undefined : v === "true")),
            limit: z.coerce.number().int().min(1).max(1000).default(500),
          })
          .strict(),
        response: { 200: z.object({ meetings: z.array(meetingView) }), 400: errorReply, 401: errorReply },
      },
    },
    async (request) => ({ meetings: await meetings.list(request.session!.userId, request.query) }),
  );
};
