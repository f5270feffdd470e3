/**
 * Dates and times as a person reads them in a draft or an alert:
 * "Wednesday, November 25, 10:00–10:45 AM PST". The rules live in one plain-JavaScript file
 * that the dashboard loads too (src/platform/time-format), so a page and an email agree.
 */
export { formatDayTime, formatMeetingTime, formatSlot, formatTimeOfDay, zoneLabel, type TimeRange } from "../../platform/time-format/time-format.js";
