import { z } from "zod";

/** Graph dateTimeTimeZone: wall time without offset, in `timeZone` (Windows or IANA name). */
export const dateTimeTimeZoneSchema = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });
export type DateTimeTimeZone = z.infer<typeof dateTimeTimeZoneSchema>;

const emailAddressSchema = z.object({ address: z.string().nullish(), name: z.string().nullish() });

/** The event properties the mapping reads (Graph "event resource type"); others are stripped. */
export const graphEventSchema = z.object({
  id: z.string(),
  iCalUId: z.string().nullish(),
  type: z.string().nullish(),
  seriesMasterId: z.string().nullish(),
  /** Edm.DateTimeOffset, for occurrences and exceptions */
  originalStart: z.string().nullish(),
  originalStartTimeZone: z.string().nullish(),
  subject: z.string().nullish(),
  bodyPreview: z.string().nullish(),
  body: z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  location: z.object({ displayName: z.string().nullish() }).nullish(),
  start: dateTimeTimeZoneSchema,
  end: dateTimeTimeZoneSchema,
  isAllDay: z.boolean().nullish(),
  isCancelled: z.boolean().nullish(),
  isOrganizer: z.boolean().nullish(),
  showAs: z.string().nullish(),
  responseStatus: z.object({ response: z.string().nullish() }).nullish(),
  organizer: z.object({ emailAddress: emailAddressSchema.nullish() }).nullish(),
  attendees: z
    .array(z.object({ type: z.string().nullish(), status: z.object({ response: z.string().nullish() }).nullish(), emailAddress: emailAddressSchema.nullish() }))
    .nullish(),
  onlineMeeting: z.object({ joinUrl: z.string().nullish() }).nullish(),
  onlineMeetingUrl: z.string().nullish(),
  lastModifiedDateTime: z.string().nullish(),
  singleValueExtendedProperties: z.array(z.object({ id: z.string(), value: z.string().nullish() })).nullish(),
});
export type GraphEvent = z.infer<typeof graphEventSchema>;

/** A delta entry for an event that left the view: `{"id": …, "@removed": {"reason": "deleted"}}`. */
export const removedEventSchema = z.object({ id: z.string(), "@removed": z.object({ reason: z.string().nullish() }) });

export const deltaPageSchema = z.object({
  value: z.array(z.union([removedEventSchema, graphEventSchema])),
  "@odata.nextLink": z.string().optional(),
  "@odata.deltaLink": z.string().optional(),
});
export type DeltaPage = z.infer<typeof deltaPageSchema>;
