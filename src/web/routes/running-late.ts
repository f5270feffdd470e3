import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DraftService } from "../../recovery/index.js";
import { MAX_MINUTES_LATE } from "../../recovery/index.js";
import { draftView } from "../../recovery/index.js";
import { errorReply } from "../schemas/error.js";

const RANGE_MESSAGE = `Type how many minutes late, from 1 to ${MAX_MINUTES_LATE}.`;
const minutes = z.coerce
  .number({ error: RANGE_MESSAGE })
  .int({ error: "Type whole minutes, e.g. 10." })
  .min(1, { error: RANGE_MESSAGE })
  .max(MAX_MINUTES_LATE, { error: RANGE_MESSAGE })
  .describe("the minutes the user typed; the notice adds a margin on top and says the arrival time");

const lateNoticePreview = z
  .object({
    minutes: z.number().int().describe("as typed"),
    countedFrom: z.enum(["start", "now"]).describe("the minutes count from the start, or from now once the meeting began"),
    marginMinutes: z.number().int().describe("added on top of the typed minutes (a quarter, at least 3, up to the next five-minute mark)"),
    arriveBy: z.iso.datetime(),
    arriveByText: z.string().describe("the arrival time as the notice writes it, in their zone too when known and different"),
    sentence: z.string().nullable().describe("the sentence with the promise; null when the delay runs past the end"),
    fits: z.boolean().describe("false: they would arrive at or after the end, so the notice offers other times instead of an ETA"),
    meetingEnd: z.iso.datetime(),
    meetingEndText: z.string(),
    subject: z.string(),
    body: z.string(),
  })
  .meta({ id: "LateNoticePreview" });

export const runningLateRoutes: FastifyPluginAsyncZod<{ drafts: DraftService }> = async (app, { drafts }) => {
  app.addHook("onRequest", app.requireUser);

  app.get(
    "/api/meetings/:id/running-late/preview",
    {
      schema: {
        tags: ["meetings"],
        summary: "What \"Tell them I'm N minutes late\" would send: arrival time, margin and the text; nothing is stored",
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ minutes }).strict(),
        response: { 200: lateNoticePreview, 400: errorReply, 401: errorReply, 404: errorReply, 409: errorReply },
      },
    },
    async (request) => drafts.previewRunningLate(request.session!.userId, request.params.id, request.query.minutes),
  );

  app.post(
    "/api/meetings/:id/running-late",
    {
      schema: {
        tags: ["meetings"],
        summary: "\"Tell them I'm N minutes late\": drafts a late notice to the other attendees",
        description:
          "The notice says when the user will be there: the typed minutes plus a margin, as a clock time (see the preview). A delay that runs past the meeting's end offers other times instead. Sent at once when settings.autoSendLateNotice is on (the draft comes back approved); otherwise it waits in the drafts inbox for approval.",
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            minutes: z.number({ error: RANGE_MESSAGE }).int({ error: "Type whole minutes, e.g. 10." }).min(1, { error: RANGE_MESSAGE }).max(MAX_MINUTES_LATE, { error: RANGE_MESSAGE }),
            arriveBy: z.iso.datetime().optional().describe("the arrival time the preview showed: when the clock has moved it since, the answer is 409 late_notice_moved"),
            fits: z.boolean().optional().describe("whether the preview offered an arrival time (true) or another time (false)"),
          })
          .strict(),
        response: { 200: draftView, 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply },
      },
    },
    async (request) => drafts.runningLate(request.session!.userId, request.params.id, request.body.minutes, { arriveBy: request.body.arriveBy, fits: request.body.fits }),
  );
};
