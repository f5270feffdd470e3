import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DraftService } from "../../drafts/draft-actions.js";
import { draftView } from "../schemas/draft.js";
import { errorReply } from "../schemas/error.js";

export const runningLateRoutes: FastifyPluginAsyncZod<{ drafts: DraftService }> = async (app, { drafts }) => {
  app.addHook("onRequest", app.requireUser);

  app.post(
    "/api/meetings/:id/running-late",
    {
      schema: {
        tags: ["meetings"],
        summary: "\"Tell them I'm N minutes late\": drafts a late notice to the other attendees",
        description: "Sent at once when settings.autoSendLateNotice is on (the draft comes back approved); otherwise it waits in the drafts inbox for approval.",
        params: z.object({ id: z.uuid() }),
        body: z.object({ minutes: z.number().int().min(1).max(240) }).strict(),
        response: { 200: draftView, 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply },
      },
    },
    async (request) => {
      const draft = await drafts.runningLate(request.session!.userId, request.params.id, request.body.minutes);
      await drafts.answerLateAlerts(request.session!.userId, request.params.id, request.body.minutes, draft);
      return draft;
    },
  );
};
