import { DateTime } from "luxon";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmulatorContext } from "../context.js";
import { calendarOccurrences, millisOf, overlaps } from "../occurrences.js";
import { toIanaZone } from "../windows-zones.js";
import { graphCaller, preferences } from "./auth.js";
import { sendGraphError } from "./errors.js";

const DAY_MS = 86_400_000;
/** "The time period to look up must be less than 62 days" (Get free/busy schedule, Limits); 62 itself is accepted. */
const MAX_WINDOW_DAYS = 62;
/** availabilityViewInterval: "The default is 30 minutes, minimum is 5, maximum is 1440" (calendar: getSchedule). */
const INTERVAL_MINUTES = { default: 30, min: 5, max: 1440 };
/** Exchange refuses more than 100 mailboxes per request (ErrorMailboxDataArrayTooBig). */
const MAX_SCHEDULES = 100;

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().optional() });
const bodySchema = z.object({ schedules: z.array(z.string()), startTime: dateTimeTimeZone, endTime: dateTimeTimeZone, availabilityViewInterval: z.coerce.number().optional() });

/**
 * POST /me/calendar/getSchedule. Errors use Exchange's codes and texts as Graph relays them (400):
 * ErrorInvalidTimeInterval, ErrorTimeIntervalTooBig, ErrorInvalidMergedFreeBusyInterval, ErrorMailboxDataArrayTooBig.
 * Item times come back in UTC unless `Prefer: outlook.timezone` names another zone.
 */
export function registerGraphSchedule(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  app.post("/v1.0/me/calendar/getSchedule", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const parsed = bodySchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendGraphError(reply, 400, "ErrorInvalidRequest", "schedules, startTime and endTime are required.");
    const body = parsed.data;
    const from = DateTime.fromISO(body.startTime.dateTime, { zone: toIanaZone(body.startTime.timeZone ?? "UTC") }).toMillis();
    const to = DateTime.fromISO(body.endTime.dateTime, { zone: toIanaZone(body.endTime.timeZone ?? "UTC") }).toMillis();
    if (!(to > from)) return sendGraphError(reply, 400, "ErrorInvalidTimeInterval", "The time duration specified for FreeBusyViewOptions.TimeWindow is invalid.");
    const days = Math.ceil((to - from) / DAY_MS);
    if (to - from > MAX_WINDOW_DAYS * DAY_MS) {
      return sendGraphError(reply, 400, "ErrorTimeIntervalTooBig", `The requested time duration specified for FreeBusyViewOptions.TimeWindow is too long. The allowed limit = ${MAX_WINDOW_DAYS} days; the actual limit = ${days} days.`);
    }
    const minutes = body.availabilityViewInterval ?? INTERVAL_MINUTES.default;
    if (!Number.isInteger(minutes) || minutes < INTERVAL_MINUTES.min || minutes > INTERVAL_MINUTES.max || minutes * 60_000 > to - from) {
      return sendGraphError(reply, 400, "ErrorInvalidMergedFreeBusyInterval", "The specified merged free/busy interval is not valid. Specify an interval that is less than the free/busy time window and  between 5 and 1440 minutes.");
    }
    if (body.schedules.length > MAX_SCHEDULES) {
      return sendGraphError(reply, 400, "ErrorMailboxDataArrayTooBig", `There are too many target users in the EmailAddress array. The allowed size = ${MAX_SCHEDULES}; the actual size = ${body.schedules.length}.`);
    }
    const interval = minutes * 60_000;
    const zone = preferences(request).timeZone ?? "UTC";
    const local = (ms: number): { dateTime: string; timeZone: string } => ({ dateTime: `${DateTime.fromMillis(ms).setZone(toIanaZone(zone)).toFormat("yyyy-MM-dd'T'HH:mm:ss")}.0000000`, timeZone: zone });
    const value = body.schedules.map((email) => {
      const target = state.findAccount("microsoft", email);
      if (!target) return { scheduleId: email, availabilityView: "", error: { message: `The specified mailbox '${email}' could not be found.`, responseCode: "ErrorMailRecipientNotFound" }, scheduleItems: [], workingHours: null };
      const items = calendarOccurrences(state, "microsoft", target.id, to)
        .filter((o) => !o.removed && o.event.transparency === "opaque" && overlaps(o, from, to))
        .map((o) => ({ occurrence: o, status: o.event.status === "tentative" ? "tentative" : "busy" }));
      let view = "";
      for (let slot = from; slot < to; slot += interval) {
        const busy = items.filter(({ occurrence }) => millisOf(occurrence.start) < slot + interval && millisOf(occurrence.end) > slot);
        view += busy.some((b) => b.status === "busy") ? "2" : busy.length > 0 ? "1" : "0";
      }
      return {
        scheduleId: email, availabilityView: view,
        scheduleItems: items.map(({ occurrence, status }) => ({ isPrivate: false, status, subject: occurrence.event.summary, location: occurrence.event.location, isMeeting: occurrence.event.attendees.length > 0, isRecurring: Boolean(occurrence.master), isException: occurrence.type === "exception", isReminderSet: true, start: local(millisOf(occurrence.start)), end: local(millisOf(occurrence.end)) })),
        workingHours: { daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"], startTime: "08:00:00.0000000", endTime: "17:00:00.0000000", timeZone: { name: zone } },
      };
    });
    if (preferences(request).timeZone) reply.header("preference-applied", `outlook.timezone="${zone}"`);
    return { "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`, value };
  });
}
