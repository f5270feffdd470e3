import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { USER_DONE_STEPS, type CaseService } from "../../recovery/index.js";
import { caseView } from "../../recovery/index.js";
import { errorReply } from "../schemas/error.js";

export const caseRoutes: FastifyPluginAsyncZod<{ cases: CaseService }> = async (app, { cases }) => {
  app.addHook("onRequest", app.requireUser);
  const params = z.object({ id: z.uuid() });
  const errors = { 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply };

  app.get(
    "/api/cases",
    {
      schema: {
        tags: ["cases"],
        summary: "Recovery cases with every step and what the user needs for it",
        querystring: z.object({ status: z.enum(["open", "closed"]).optional() }).strict(),
        response: { 200: z.object({ cases: z.array(caseView) }), 400: errorReply, 401: errorReply },
      },
    },
    async (request) => ({ cases: await cases.list(request.session!.userId, request.query) }),
  );

  app.get(
    "/api/cases/:id",
    { schema: { tags: ["cases"], summary: "One recovery case", params, response: { 200: caseView, 400: errorReply, 401: errorReply, 404: errorReply } } },
    async (request) => cases.get(request.session!.userId, request.params.id),
  );

  app.post(
    "/api/cases/:id/phone",
    {
      schema: {
        tags: ["cases"],
        summary: "Give the number to call when none was found (kept in your contact notes)",
        params,
        body: z.object({ phone: z.string().max(60).describe("with its country code, e.g. +1 415 555 0100") }).strict(),
        response: { 200: caseView, ...errors },
      },
    },
    async (request) => cases.setPhone(request.session!.userId, request.params.id, request.body.phone),
  );

  app.put(
    "/api/cases/:id/notes",
    {
      schema: {
        tags: ["cases"],
        summary: "Note what the client likes (kept on the contact) and the gift you sent",
        params,
        body: z.object({ likes: z.string().max(500).nullable().optional(), giftNote: z.string().max(2000).nullable().optional() }).strict(),
        response: { 200: caseView, ...errors },
      },
    },
    async (request) => cases.setNotes(request.session!.userId, request.params.id, request.body),
  );

  app.put(
    "/api/cases/:id/materials",
    {
      schema: {
        tags: ["cases"],
        summary: "The links to send with the materials step (the whole list); the cover note is drafted from exactly these",
        description: "Links only (http/https, with an optional label): no send path attaches files, and the note never claims an attachment. An empty list removes a pending note. The note can be approved once the proposal was sent.",
        params,
        body: z
          .object({
            links: z
              .array(z.object({ url: z.string().trim().min(1, { error: "Paste the link to send" }).max(2000, { error: "That link is too long (2,000 characters at most)" }), label: z.string().max(80, { error: "Keep the label under 80 characters" }).nullable().optional() }).strict())
              .max(5, { error: "At most 5 links" }),
          })
          .strict(),
        response: { 200: caseView, ...errors },
      },
    },
    async (request) => cases.setMaterialsLinks(request.session!.userId, request.params.id, request.body.links),
  );

  app.post(
    "/api/cases/:id/link",
    {
      schema: {
        tags: ["cases"],
        summary: "Link the rescheduled meeting by hand (when it was not recognised)",
        params,
        body: z.object({ meetingId: z.uuid() }).strict(),
        response: { 200: caseView, ...errors },
      },
    },
    async (request) => cases.link(request.session!.userId, request.params.id, request.body.meetingId),
  );

  app.post(
    "/api/cases/:id/steps/:kind/done",
    {
      schema: {
        tags: ["cases"],
        summary: "Mark a step done (you called, sent the gift, wrote the handwritten note…)",
        params: params.extend({ kind: z.enum(USER_DONE_STEPS) }),
        body: z.object({}).strict().optional(),
        response: { 200: caseView, ...errors },
      },
    },
    async (request) => cases.markDone(request.session!.userId, request.params.id, request.params.kind),
  );

  app.post(
    "/api/cases/:id/close",
    {
      schema: {
        tags: ["cases"],
        summary: "Close the case by hand (a case also closes by itself once every step is done); its steps still queued are cancelled",
        params,
        body: z.object({}).strict().optional(),
        response: { 200: caseView, ...errors },
      },
    },
    async (request) => cases.close(request.session!.userId, request.params.id),
  );
};
