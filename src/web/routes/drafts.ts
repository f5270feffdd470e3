import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DraftService } from "../../recovery/index.js";
import { inboxOrder } from "../../recovery/index.js";
import { errorReply } from "../schemas/error.js";
import { DRAFT_STATUSES, draftEdit, draftView } from "../../recovery/index.js";

export const draftRoutes: FastifyPluginAsyncZod<{ drafts: DraftService }> = async (app, { drafts }) => {
  app.addHook("onRequest", app.requireUser);
  const params = z.object({ id: z.uuid() });
  const errors = { 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply };

  app.get(
    "/api/drafts",
    {
      schema: {
        tags: ["drafts"],
        summary: "The drafts inbox in a stable order",
        description:
          "Pending first (then approved or failed, sent, rejected), a pending late notice at the very top; within that a case's drafts together, the case with the newest draft first; within a case the reschedule proposal first, then by creation time. The same drafts always come in the same order.",
        querystring: z.object({ status: z.enum(DRAFT_STATUSES).optional(), caseId: z.uuid().optional() }).strict(),
        response: { 200: z.object({ drafts: z.array(draftView) }), 400: errorReply, 401: errorReply },
      },
    },
    async (request) => ({ drafts: inboxOrder(await drafts.list(request.session!.userId, request.query)) }),
  );

  app.get(
    "/api/drafts/:id",
    { schema: { tags: ["drafts"], summary: "One draft", params, response: { 200: draftView, 400: errorReply, 401: errorReply, 404: errorReply } } },
    async (request) => drafts.get(request.session!.userId, request.params.id),
  );

  app.post(
    "/api/drafts/:id/approve",
    {
      schema: {
        tags: ["drafts"],
        summary: "Approve a draft (optionally with an edited subject/body); it is then sent exactly once",
        description: "Approving an approved or sent draft again changes nothing; an edit at that point answers 409.",
        params,
        body: draftEdit.optional(),
        response: { 200: draftView, ...errors },
      },
    },
    async (request) => drafts.approve(request.session!.userId, request.params.id, request.body ?? {}),
  );

  app.post(
    "/api/drafts/:id/reject",
    { schema: { tags: ["drafts"], summary: "Reject a pending draft: it is never sent", params, body: z.object({}).strict().optional(), response: { 200: draftView, ...errors } } },
    async (request) => drafts.reject(request.session!.userId, request.params.id),
  );

  app.post(
    "/api/drafts/:id/restore",
    {
      schema: {
        tags: ["drafts"],
        summary: "Undo a Reject: the draft waits for approval again",
        description: "Only a draft you rejected, while its recovery plan is open (a late notice: while the meeting is on). A draft the service withdrew (a late notice after you checked in) stays withdrawn.",
        params,
        body: z.object({}).strict().optional(),
        response: { 200: draftView, ...errors },
      },
    },
    async (request) => drafts.restore(request.session!.userId, request.params.id),
  );

  app.post(
    "/api/drafts/:id/resend",
    {
      schema: {
        tags: ["drafts"],
        summary: "Send a failed draft again, by the user's explicit decision",
        description: "For a draft whose earlier attempt has an unknown outcome: check your Sent folder first. The Message-ID stays the same.",
        params,
        body: z.object({}).strict().optional(),
        response: { 200: draftView, ...errors },
      },
    },
    async (request) => drafts.resend(request.session!.userId, request.params.id),
  );
};
