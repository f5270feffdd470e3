import type { Attendance } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import type { ZoomAccounts } from "./zoom-accounts.js";

export interface ZoomMeetingToRead {
  userId: string;
  zoomMeetingId: string;
  zoomMeetingUuid: string | null;
  end: Date;
}

/**
 * Who joined a hosted Zoom meeting, from its past-participant list: after the end it confirms
 * what the webhooks said, or corrects it (a webhook that never reached us). While it runs there
 * is nothing to read (the webhooks are the live signal): an empty answer, not "unavailable". The
 * user is found by their Zoom user id first, their email only when Zoom gives one (it may be blank).
 */
export async function zoomAttendance(accounts: ZoomAccounts, meeting: ZoomMeetingToRead, now: Date): Promise<Attendance> {
  const nobodyYet: Attendance = { available: true, selfJoinedAt: null, othersJoinedAt: null, selfInCallNow: false, othersInCallNow: false, participants: [] };
  if (now.getTime() < meeting.end.getTime()) return nobodyYet;
  const account = await accounts.account(meeting.userId);
  const api = account && accounts.api(account.id);
  if (!account || !api) return { available: false, reason: "Zoom is not connected, so its participant list cannot be read." };
  let participants;
  try {
    participants = await api.pastParticipants({ uuid: meeting.zoomMeetingUuid, id: meeting.zoomMeetingId });
  } catch (error) {
    // Zoom's 3001: no ended instance of this meeting (nobody started it, or not yet processed).
    if (error instanceof ProviderError && error.kind === "not_found") return { available: false, reason: "Zoom has no record of this meeting taking place yet." };
    throw error;
  }
  const email = account.accountEmail.toLowerCase();
  const isSelf = (p: { zoomUserId: string | null; email: string | null }) => p.zoomUserId === account.zoomUserId || (p.email !== null && p.email.toLowerCase() === email);
  const earliest = (dates: Array<Date | null>) => dates.map((date) => date ?? meeting.end).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  const self = participants.filter(isSelf);
  const others = participants.filter((p) => !isSelf(p));
  return {
    available: true,
    selfJoinedAt: self.length > 0 ? earliest(self.map((p) => p.joinedAt)) : null,
    othersJoinedAt: others.length > 0 ? earliest(others.map((p) => p.joinedAt)) : null,
    selfInCallNow: false,
    othersInCallNow: false,
    participants: participants.map((p) => ({ accountId: p.zoomUserId, email: p.email, displayName: p.name, joinedAt: p.joinedAt ?? meeting.end, leftAt: null })),
  };
}
