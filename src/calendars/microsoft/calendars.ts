import { z } from "zod";
import type { ProviderCalendar } from "../provider.js";
import type { MicrosoftContext } from "./context.js";

const calendarPageSchema = z.object({
  value: z.array(z.object({ id: z.string(), name: z.string().nullish(), isDefaultCalendar: z.boolean().nullish() })),
  "@odata.nextLink": z.string().optional(),
});

/** GET /me/calendars, every page. Graph calendars carry no zone of their own (it is a mailbox setting). */
export async function listCalendars(ctx: MicrosoftContext): Promise<ProviderCalendar[]> {
  const calendars: ProviderCalendar[] = [];
  let path: string | undefined = "/me/calendars?$select=id,name,isDefaultCalendar&$top=100";
  while (path) {
    const page: z.infer<typeof calendarPageSchema> = await ctx.graph.json({ operation: "list calendars", method: "GET", path }, calendarPageSchema);
    for (const calendar of page.value) {
      calendars.push({ providerCalendarId: calendar.id, name: calendar.name ?? "", isPrimary: calendar.isDefaultCalendar === true, timeZone: null });
    }
    path = page["@odata.nextLink"];
  }
  return calendars;
}

/**
 * Remembers which calendar is the default one: v1.0 documents calendarView delta and event
 * subscriptions for the default calendar (`/me/calendarView/delta`, `me/events`); other calendars
 * use the per-calendar forms.
 */
export class CalendarDirectory {
  private primaryId: Promise<string | null> | undefined;

  constructor(private readonly ctx: MicrosoftContext) {}

  async isPrimary(providerCalendarId: string): Promise<boolean> {
    this.primaryId ??= listCalendars(this.ctx).then(
      (calendars) => calendars.find((calendar) => calendar.isPrimary)?.providerCalendarId ?? null,
      (error: unknown) => {
        this.primaryId = undefined;
        throw error;
      },
    );
    return (await this.primaryId) === providerCalendarId;
  }
}
