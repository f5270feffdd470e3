import { z } from "zod";

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const hhmm = z.string().regex(HHMM, "must be a time as HH:mm, e.g. 09:00");

/**
 * The user's working hours, as their settings store them: where recovery proposes a new slot and
 * when a late notice may go out. Recovery owns it and users' settings schema embeds it (users sit
 * above recovery, so recovery cannot import users).
 */
export const workingHoursSchema = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1, "Choose at least one working day.").max(7).describe("ISO weekdays: 1 = Monday … 7 = Sunday"),
    start: hhmm,
    end: hhmm,
  })
  .strict()
  .refine((hours) => !HHMM.test(hours.start) || !HHMM.test(hours.end) || hours.start < hours.end, { message: "must be later than the start", path: ["end"] })
  .refine((hours) => new Set(hours.days).size === hours.days.length, { message: "name each day only once", path: ["days"] });
