import { zoomMeetingIdOf } from "./zoom-link.js";

/**
 * How a meeting can be known (PRODUCT §3), decided from the event and what the user's account
 * can read. Said to the user in one line, because a question is only fair when we know what
 * we could and could not see.
 */
export const EVIDENCE_SOURCES = ["conference", "presence", "check_in"] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

/** What the connected account lets us read, whatever the provider. */
export interface SignalAccess {
  /** Meet conference records (Google: the space owner or a participant sees them, live) */
  readonly meetAttendance: boolean;
  /** Teams attendance reports: only for meetings the user organises, only after the end */
  readonly teamsReports: boolean;
  /** Graph presence (work or school accounts that granted Presence.Read) */
  readonly presence: "available" | "unavailable" | "unknown";
  /**
   * The user's connected Zoom account, when there is one: the meeting numbers it hosts. Zoom
   * sends participant webhooks (and lists past participants) only for meetings hosted on the
   * account that installed the app, so only those can be seen.
   */
  readonly zoom?: { readonly hosted: ReadonlySet<string> } | null;
}

export interface SourceFacts {
  readonly meetCode: string | null;
  readonly teamsJoinUrl: string | null;
  readonly conferenceUrl: string | null;
  readonly location: string | null;
  readonly description: string | null;
  readonly isOrganizer: boolean;
}

export interface MeetingVisibility {
  readonly source: EvidenceSource;
  /** joins are seen while the meeting runs: only then can "running late?" be true */
  readonly live: boolean;
  /** one line for the user */
  readonly reason: string;
}

const URL_PATTERN = /\b(?:https?:\/\/|www\.)\S+|\bzoommtg:\/\/\S+/i;
const ZOOM_PATTERN = /\b(?:[a-z0-9-]+\.)?zoom\.us\/(?:j|my|w)\/|zoommtg:\/\//i;
// A dialable number: seven or more digits with the usual separators, or a tel: link.
const PHONE_PATTERN = /tel:|(?:^|[^\w])\+?\d[\d\s().-]{6,}\d(?!\w)/;

/** What kind of place the event names, for the reason line. */
export type MeetingPlace = { kind: "zoom" } | { kind: "other_link" } | { kind: "phone" } | { kind: "in_person"; where: string } | { kind: "unknown" };

export function placeOf(facts: Pick<SourceFacts, "conferenceUrl" | "location" | "description">): MeetingPlace {
  const texts = [facts.conferenceUrl, facts.location, facts.description].filter((text): text is string => Boolean(text));
  if (texts.some((text) => ZOOM_PATTERN.test(text))) return { kind: "zoom" };
  if (facts.conferenceUrl || (facts.location && URL_PATTERN.test(facts.location))) return { kind: "other_link" };
  const location = facts.location?.trim() ?? "";
  if (location !== "" && PHONE_PATTERN.test(location) && !/[a-z]{4,}/i.test(location.replace(/tel:/gi, ""))) return { kind: "phone" };
  if (location !== "") return { kind: "in_person", where: location };
  if (facts.description && URL_PATTERN.test(facts.description)) return { kind: "other_link" };
  if (facts.description && PHONE_PATTERN.test(facts.description)) return { kind: "phone" };
  return { kind: "unknown" };
}

/** A physical address to compare with the next meeting's (back-to-back at two places). */
export function physicalLocation(facts: Pick<SourceFacts, "conferenceUrl" | "location" | "description" | "meetCode" | "teamsJoinUrl">): string | null {
  if (facts.meetCode || facts.teamsJoinUrl) return null;
  const place = placeOf(facts);
  return place.kind === "in_person" ? place.where.replace(/\s+/g, " ").trim().toLowerCase() : null;
}

const CHECK_IN = "tap I'm here when you arrive.";

function checkInOnly(facts: SourceFacts): MeetingVisibility {
  const place = placeOf(facts);
  const reason = (() => {
    switch (place.kind) {
      case "zoom":
        return `Zoom doesn't tell us who joins: ${CHECK_IN}`;
      case "other_link":
        return `We can't see who joins this video link: ${CHECK_IN}`;
      case "phone":
        return `A phone call: we can't see it, so ${CHECK_IN}`;
      case "in_person":
        return `In person (${place.where.replace(/\s+/g, " ").trim()}): we can't see it, so ${CHECK_IN}`;
      case "unknown":
        return `No video link we can read: ${CHECK_IN}`;
    }
  })();
  return { source: "check_in", live: false, reason };
}

/**
 * The strongest source the account can read for this meeting. "No data" from a source is never
 * evidence of absence, so a meeting whose conference we cannot read is check-in only, not
 * "probably missed".
 */
export function evidenceSourceOf(facts: SourceFacts, access: SignalAccess): MeetingVisibility {
  if (facts.meetCode) {
    if (access.meetAttendance) return { source: "conference", live: true, reason: "We'll see you join in Google Meet." };
    return { source: "check_in", live: false, reason: `A Google Meet link on this calendar: we can't see who joins, so ${CHECK_IN}` };
  }
  if (facts.teamsJoinUrl) {
    const presence = access.presence === "available";
    if (facts.isOrganizer && access.teamsReports) {
      return presence
        ? { source: "conference", live: true, reason: "We'll see you in the Teams call (your presence), and in its attendance report afterwards." }
        : { source: "conference", live: false, reason: "Teams shows who joined after the meeting ends; we'll look then. While it runs, tap I'm here." };
    }
    if (presence) return { source: "presence", live: true, reason: "We'll see you in the Teams call through your presence status." };
    return {
      source: "check_in",
      live: false,
      reason: access.teamsReports
        ? `Only the organiser can read who joined this Teams meeting, and your presence status isn't available: ${CHECK_IN}`
        : `We can't see Teams meetings from this calendar: ${CHECK_IN}`,
    };
  }
  const zoomMeetingId = zoomMeetingIdOf(facts);
  if (zoomMeetingId && access.zoom) {
    if (access.zoom.hosted.has(zoomMeetingId)) return { source: "conference", live: true, reason: "We'll see you join in Zoom." };
    return { source: "check_in", live: false, reason: "Zoom meeting hosted by someone else: we can't see it, so tap I'm here when you join." };
  }
  return checkInOnly(facts);
}
