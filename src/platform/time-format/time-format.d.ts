// Types of time-format.js (plain JavaScript, so the browser can load the very same file).

export type Instant = Date | string | number;

export interface TimeRange {
  readonly start: Date;
  readonly end: Date;
}

export declare const LOCALE: "en-US";
export declare function formatSlot(slot: TimeRange, timeZone: string, locale?: string): string;
export declare function formatMeetingTime(start: Instant, end: Instant, timeZone: string, locale?: string): string;
export declare function formatTimeOfDay(at: Instant, timeZone: string, locale?: string): string;
export declare function formatDayTime(at: Instant, timeZone: string, locale?: string): string;
export declare function clockTime(at: Instant, timeZone: string, locale?: string): string;
export declare function clockRange(start: Instant, end: Instant, timeZone: string, locale?: string): string;
export declare function shortDay(at: Instant, timeZone: string, locale?: string): string;
export declare function dayAndClock(at: Instant, timeZone: string, locale?: string): string;
export declare function zoneLabel(at: Instant, timeZone: string, locale?: string): string;
export declare function longDay(at: Instant, timeZone: string, locale?: string): string;
export declare function offsetLabel(at: Instant, timeZone: string, locale?: string): string;
