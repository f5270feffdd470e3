import { DateTime } from "luxon";
import { expandSeries } from "./recurrence.js";
import type { EmulatorState, EventTime, Provider, StoredEvent } from "./state.js";

/** One item of a calendar view: a single event, an occurrence of a series or a modified (exception) occurrence. */
export interface Occurrence {
  id: string;
  /** Where the fields come from: the event itself, the override, or the series master. */
  event: StoredEvent;
  master: StoredEvent | undefined;
  start: EventTime;
  end: EventTime;
  originalStart: EventTime | undefined;
  type: "singleInstance" | "occurrence" | "exception";
  removed: boolean;
  changeSeq: number;
}

const DAY_MS = 86_400_000;

/** The instant an EventTime stands for; plain Date.parse (a zone never moves an instant), because this runs in every sort. */
export function millisOf(time: EventTime): number {
  return time.kind === "timed" ? Date.parse(time.utc) : Date.parse(`${time.date}T00:00:00Z`);
}

function shift(time: EventTime, instant: DateTime): EventTime {
  return time.kind === "timed" ? { kind: "timed", utc: instant.toUTC().toISO()!, timeZone: time.timeZone } : { kind: "date", date: instant.toISODate()! };
}

/** Google: `{seriesId}_{YYYYMMDDTHHMMSSZ}` (timed) or `{seriesId}_{YYYYMMDD}` (all-day); Graph ids are opaque. */
export function occurrenceId(provider: Provider, master: StoredEvent, original: DateTime): string {
  if (provider === "google") {
    return master.start.kind === "date" ? `${master.id}_${original.toFormat("yyyyMMdd")}` : `${master.id}_${original.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`;
  }
  return `${master.id}_OID${original.toUTC().toFormat("yyyyMMddHHmmss")}`;
}

export function overridesOf(state: EmulatorState, masterId: string): Map<number, StoredEvent> {
  const result = new Map<number, StoredEvent>();
  for (const event of state.events.values()) {
    if (event.recurringEventId === masterId && event.originalStart) result.set(millisOf(event.originalStart), event);
  }
  return result;
}

/** Expands a series (or returns the single event) up to `horizonEnd`, applying overrides and EXDATEs. */
export function occurrencesOf(state: EmulatorState, provider: Provider, event: StoredEvent, horizonEnd: number): Occurrence[] {
  if (!event.recurrence) {
    return [{ id: event.id, event, master: undefined, start: event.start, end: event.end, originalStart: undefined, type: event.recurringEventId ? "exception" : "singleInstance", removed: event.deleted || event.status === "cancelled", changeSeq: event.changeSeq }];
  }
  const duration = millisOf(event.end) - millisOf(event.start);
  const overrides = overridesOf(state, event.id);
  return expandSeries(event.start, event.recurrence, horizonEnd).map((original) => {
    const override = overrides.get(original.toMillis());
    const originalStart = shift(event.start, original);
    if (override) {
      return { id: override.id, event: override, master: event, start: override.start, end: override.end, originalStart, type: "exception", removed: event.deleted || override.deleted || override.status === "cancelled", changeSeq: Math.max(event.changeSeq, override.changeSeq) };
    }
    const end = original.plus({ milliseconds: duration });
    return { id: occurrenceId(provider, event, original), event, master: event, start: originalStart, end: shift(event.end, end), originalStart, type: "occurrence", removed: event.deleted || event.status === "cancelled", changeSeq: event.changeSeq };
  });
}

/** Every occurrence of an account's calendar up to the horizon (default: a year past the emulator's now). */
export function calendarOccurrences(state: EmulatorState, provider: Provider, accountId: string, horizonEnd = state.now() + 366 * DAY_MS): Occurrence[] {
  const result: Occurrence[] = [];
  for (const event of state.eventsOf(accountId)) {
    if (event.recurringEventId) continue; // reached through its master
    result.push(...occurrencesOf(state, provider, event, horizonEnd));
  }
  return result.sort((a, b) => millisOf(a.start) - millisOf(b.start));
}

export function overlaps(occurrence: Occurrence, from: number | undefined, to: number | undefined): boolean {
  const start = millisOf(occurrence.start);
  const end = millisOf(occurrence.end);
  return (from === undefined || end > from) && (to === undefined || start < to);
}

/**
 * Google: the instances an EXDATE removed from a series, as cancelled occurrences. Google keeps
 * a deleted instance of a recurring event as an exception with status "cancelled", and
 * incremental sync returns it (Calendar "Synchronize resources efficiently": deleted entries are
 * always included with a syncToken), so a client that stored the instance learns it is gone.
 */
export function exdateCancellations(provider: Provider, master: StoredEvent, horizonEnd: number): Occurrence[] {
  if (!master.recurrence) return [];
  const excluded: DateTime[] = [];
  expandSeries(master.start, master.recurrence, horizonEnd, 2000, excluded);
  return excluded.map((original) => {
    const originalStart = shift(master.start, original);
    const end = shift(master.end, original.plus({ milliseconds: millisOf(master.end) - millisOf(master.start) }));
    return { id: occurrenceId(provider, master, original), event: master, master, start: originalStart, end, originalStart, type: "occurrence", removed: true, changeSeq: master.changeSeq };
  });
}
