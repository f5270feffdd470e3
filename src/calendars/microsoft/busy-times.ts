import { z } from "zod";
import type { TimeRange } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import type { MicrosoftContext } from "./context.js";
import { PROVIDER } from "./endpoints.js";
import { dateTimeTimeZoneSchema } from "./event-schema.js";
import { instantOf, toDateTimeTimeZone } from "./graph-time.js";

/**
 * getSchedule refuses longer periods ("The requested time duration specified is too long. The
 * limit is 62 days."), so longer ranges are asked in 62-day pieces and merged.
 */
const MAX_SCHEDULE_SPAN_MS = 62 * 86_400_000;
const AVAILABILITY_VIEW_INTERVAL_MINUTES = 15;
/** "free" and "workingElsewhere" leave the user available; "unknown" is treated as free too. */
const BUSY_STATUSES = new Set(["busy", "tentative", "oof"]);

const scheduleSchema = z.object({
  value: z.array(
    z.object({
      scheduleId: z.string(),
      error: z.object({ message: z.string().nullish(), responseCode: z.string().nullish() }).nullish(),
      scheduleItems: z.array(z.object({ status: z.string(), start: dateTimeTimeZoneSchema, end: dateTimeTimeZoneSchema })).nullish(),
    }),
  ),
});

/**
 * POST /me/calendar/getSchedule for the user's own address. Note the documented limit: delegated
 * getSchedule is not supported for personal Microsoft accounts (Outlook.com); Graph answers an error
 * that arrives here as a ProviderError.
 */
export async function busyTimes(ctx: MicrosoftContext, range: TimeRange): Promise<TimeRange[]> {
  const busy: TimeRange[] = [];
  for (const piece of pieces(range)) busy.push(...(await schedulePiece(ctx, piece)));
  return merge(busy);
}

async function schedulePiece(ctx: MicrosoftContext, range: TimeRange): Promise<TimeRange[]> {
  const answer = await ctx.graph.json(
    {
      operation: "get schedule",
      method: "POST",
      path: "/me/calendar/getSchedule",
      headers: { Prefer: 'outlook.timezone="UTC"' },
      body: {
        schedules: [ctx.account.accountEmail],
        startTime: toDateTimeTimeZone(range.start, "UTC"),
        endTime: toDateTimeTimeZone(range.end, "UTC"),
        availabilityViewInterval: AVAILABILITY_VIEW_INTERVAL_MINUTES,
      },
    },
    scheduleSchema,
  );
  const own = answer.value.find((schedule) => schedule.scheduleId.toLowerCase() === ctx.account.accountEmail.toLowerCase()) ?? answer.value[0];
  if (!own) throw new ProviderError(PROVIDER, "invalid", "Microsoft Graph getSchedule answered no schedule for the user");
  if (own.error) throw new ProviderError(PROVIDER, "invalid", `Microsoft Graph getSchedule failed for the user: ${own.error.responseCode ?? ""} ${own.error.message ?? ""}`.trim());
  return (own.scheduleItems ?? [])
    .filter((item) => BUSY_STATUSES.has(item.status))
    .map((item) => ({ start: instantOf(item.start), end: instantOf(item.end) }));
}

function pieces(range: TimeRange): TimeRange[] {
  const result: TimeRange[] = [];
  for (let start = range.start.getTime(); start < range.end.getTime(); start += MAX_SCHEDULE_SPAN_MS) {
    result.push({ start: new Date(start), end: new Date(Math.min(start + MAX_SCHEDULE_SPAN_MS, range.end.getTime())) });
  }
  return result;
}

/** Sorted, with overlapping ranges joined (an event across a piece boundary is listed in both). */
function merge(ranges: TimeRange[]): TimeRange[] {
  const sorted = [...ranges].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: TimeRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start.getTime() <= last.end.getTime()) {
      if (range.end.getTime() > last.end.getTime()) last.end = range.end;
    } else {
      merged.push({ start: range.start, end: range.end });
    }
  }
  return merged;
}
