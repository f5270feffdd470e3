// Meetings we can and cannot see: the source line, "I'm here", "Were you there?", and the
// meetings a nudge or a digest names (looked up once per page load, by id).
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";
import { time } from "./format.js";
import { html, useResource } from "./ui.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** "I'm here" is offered from this long before the start of a meeting we cannot see. */
export const CHECK_IN_LEAD_MS = 15 * 60 * 1000;

/** The meetings of the last week and the next two days, by id (what nudges and digests name). */
export function useMeetingsById(refreshKey, now) {
  const [state] = useResource(() => {
    const from = new Date(now() - 8 * DAY_MS).toISOString();
    const to = new Date(now() + 2 * DAY_MS).toISOString();
    return api.get(`/api/meetings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  }, [refreshKey]);
  return state.data ? new Map(state.data.meetings.map((meeting) => [meeting.id, meeting])) : undefined;
}

/**
 * What the user just answered about meetings, shown at once and kept until the server's view
 * agrees (or moves on): `patch(meeting)` gives the meeting as the user now knows it.
 * Shared by every card and row of a page, so an answer in one place shows in all of them.
 */
const answers = new Map();
const listeners = new Set();
export function rememberAnswer(meeting, change) {
  answers.set(meeting.id, { fromState: meeting.state, fromCheckedIn: meeting.checkedInAt, change });
  for (const listener of listeners) listener();
}

export function useAnswers() {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((v) => v + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return (meeting) => {
    if (!meeting) return meeting;
    const answer = answers.get(meeting.id);
    // Once the server's view of the meeting changed, it knows better than our memory.
    if (!answer || answer.fromState !== meeting.state || answer.fromCheckedIn !== meeting.checkedInAt) return meeting;
    return { ...meeting, ...answer.change };
  };
}

const seenLive = (meeting) => meeting.evidenceSource !== "check_in";

const callName = (meeting) =>
  meeting.conference?.meetCode ? "the Meet call" : meeting.conference?.teamsJoinUrl ? "the Teams call" : meeting.conference?.zoomMeetingId ? "the Zoom call" : "the call";
/** What a meeting we could see showed, once it is over. */
const SEEN_AFTER = {
  attended: (meeting) => `Seen in ${callName(meeting)}`,
  late: (meeting) => `Seen in ${callName(meeting)}, after the start`,
  suspected_missed: (meeting) => `Not seen in ${callName(meeting)}`,
  missed: (meeting) => `Not seen in ${callName(meeting)}`,
};
export const canOnlyCheckIn = (meeting) => meeting.evidenceSource === "check_in";

/**
 * "I'm here" is offered for a meeting we cannot see from 15 minutes before its start until its
 * end, while nothing settled it and the user has not checked in.
 */
export function offersCheckIn(meeting, nowMs) {
  if (!meeting || !meeting.watched || !canOnlyCheckIn(meeting) || meeting.checkedInAt) return false;
  if (!["upcoming", "in_progress", "late"].includes(meeting.state)) return false;
  return nowMs >= Date.parse(meeting.start) - CHECK_IN_LEAD_MS && nowMs < Date.parse(meeting.end);
}

/** A check-in-only meeting that ended without a word from the user: a question, not a suspicion. */
export const asksWereYouThere = (meeting) => Boolean(meeting) && meeting.state === "suspected_missed" && canOnlyCheckIn(meeting);

/**
 * The source line, short for the row (the full reason is its title): how we will know, or that
 * we cannot, and what the user can do about it now.
 */
export function sourceText(meeting, nowMs) {
  const reason = (meeting.evidenceSourceReason || "").trim();
  if (meeting.checkedInAt) return `You checked in at ${time(meeting.checkedInAt, meeting.zone ?? "UTC")}`;
  const ended = nowMs >= Date.parse(meeting.end);
  if (seenLive(meeting)) {
    // "We'll see you join…" is a promise about the future: once the meeting is over, say what we saw.
    if (ended && SEEN_AFTER[meeting.state]) return SEEN_AFTER[meeting.state](meeting);
    return reason.replace(/\.$/, "") || "We can see this one";
  }
  if (!reason) return ended ? "We couldn't see this one" : "We can't see this one: tap I'm here";
  // "In person (Nopa): we can't see it, so tap I'm here when you arrive." → the part that is still true.
  if (ended) return reason.replace(/(,? so|:) tap I'm here.*$/i, "").replace(/\.$/, "");
  return reason.replace(/ when you arrive\.?$/i, "").replace(/\.$/, "");
}

/** The source line itself: a symbol (never alone) and the words. */
export function SourceLine({ meeting, nowMs, zone }) {
  if (!meeting.watched) return meeting.notWatchedReason ? html`<span class="source source-unwatched"><span aria-hidden="true">·</span> ${meeting.notWatchedReason}</span>` : null;
  const shown = { ...meeting, zone };
  const text = sourceText(shown, nowMs);
  const full = [meeting.evidenceSourceReason, meeting.evidenceNote].filter(Boolean).join(" ");
  const kind = meeting.checkedInAt ? "checked-in" : seenLive(meeting) ? "seen" : "unseen";
  return html`<span class=${"source source-" + kind} title=${full || undefined}><span aria-hidden="true">${kind === "seen" ? "◉" : kind === "checked-in" ? "✓" : "◌"}</span> ${text}</span>
    ${meeting.evidenceNote && html`<span class="source source-note"><span aria-hidden="true">⚠</span> ${meeting.evidenceNote}</span>`}`;
}
