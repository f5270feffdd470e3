import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { MeetingActions } from "../../detection/index.js";
import { errorReply } from "../schemas/error.js";
import { MEETING_STATES } from "../../detection/index.js";

const stateReply = z.object({ id: z.uuid(), state: z.enum(MEETING_STATES).nullable() });

export const meetingActionRoutes: FastifyPluginAsyncZod<{ actions: MeetingActions }> = async (app, { actions }) => {
  app.addHook("onRequest", app.requireUser);
  const params = z.object({ id: z.uuid() });

  app.post(
    "/api/meetings/:id/confirm",
    {
      schema: {
        tags: ["meetings"],
        summary: "Answer \"Are you sure?\" for a suspected miss",
        description: "`missed: true` records the miss and opens the recovery workflow (once, however often it is sent); `missed: false` (\"I was there\") marks it attended.",
        params,
        body: z.object({ missed: z.boolean() }).strict(),
        response: { 200: stateReply, 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply },
      },
    },
    async (request) => {
      const action = request.body.missed ? ({ type: "confirm_missed" } as const) : ({ type: "deny_missed" } as const);
      const result = await actions.act(request.session!.userId, request.params.id, action, "api");
      return { id: request.params.id, state: result.state };
    },
  );

  app.post(
    "/api/meetings/:id/attended",
    {
      schema: {
        tags: ["meetings"],
        summary: "Mark a meeting attended (or check in to one under way)",
        params,
        body: z.object({}).strict().optional(),
        response: { 200: stateReply, 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply },
      },
    },
    async (request) => {
      const result = await actions.act(request.session!.userId, request.params.id, { type: "mark_attended" }, "api");
      return { id: request.params.id, state: result.state };
    },
  );

  app.post(
    "/api/meetings/:id/undo",
    {
      schema: {
        tags: ["meetings"],
        summary: "Undo \"Yes, I missed it\" or \"I was there\": the meeting asks \"Are you sure?\" again",
        description: "A confirmed miss can be undone while nothing was sent: its recovery plan goes and its unsent drafts are withdrawn. \"I was there\" can be undone while it was only your word. Otherwise 409 `undo_not_possible`, saying why.",
        params,
        body: z.object({}).strict().optional(),
        response: { 200: stateReply, 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply },
      },
    },
    async (request) => {
      const result = await actions.undo(request.session!.userId, request.params.id);
      return { id: request.params.id, state: result.state };
    },
  );

  app.post(
    "/api/alerts/:id/all-attended",
    {
      schema: {
        tags: ["alerts"],
        summary: "Answer a digest: I was at all of these",
        description: "Marks every meeting the digest lists that is still unanswered as attended, and withdraws the digest. To say you missed one, confirm that meeting (`POST /api/meetings/:id/confirm` with `missed: true`) first.",
        params,
        body: z.object({}).strict().optional(),
        response: { 200: z.object({ meetings: z.array(stateReply) }), 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply },
      },
    },
    async (request) => ({ meetings: await actions.answerDigestAllAttended(request.session!.userId, request.params.id) }),
  );
};
