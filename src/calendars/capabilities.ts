import type { ProviderKind } from "./provider.js";

/**
 * What a kind of provider can do, so callers ask "does it push?" rather than "is it the
 * sandbox?". The one table of such differences; adapters stay behind CalendarProvider.
 */
export interface ProviderCapabilities {
  /** signs in with OAuth and calls the provider with the connection's access tokens */
  oauth: boolean;
  /** can open push channels (Google events.watch, Graph subscriptions) */
  push: boolean;
  /** where drafts "from the user's own mailbox" go: the provider's mailbox, or the local outbox preview */
  mail: "mailbox" | "outbox";
  /** reads Meet conference records (the owner's or a participant's), live and after */
  meetAttendance: boolean;
  /** reads Teams attendance reports of meetings the user organises, after the end */
  teamsReports: boolean;
  /**
   * How long after a send's window closes its copy may still be missing from Sent mail. Gmail
   * files a message under SENT as messages.send accepts it (the answer already carries the
   * label); a small margin covers list consistency. Exchange saves the Sent Items copy once
   * transport has taken the message, asynchronously after sendMail's 202: usually seconds, so
   * a generous margin, bounded so that a crash is settled within a minute.
   */
  sentMailSettlesMs: number;
}

const CAPABILITIES: Record<ProviderKind, ProviderCapabilities> = {
  google: { oauth: true, push: true, mail: "mailbox", meetAttendance: true, teamsReports: false, sentMailSettlesMs: 5_000 },
  microsoft: { oauth: true, push: true, mail: "mailbox", meetAttendance: false, teamsReports: true, sentMailSettlesMs: 20_000 },
  // The labelled sample calendar lives in our database: no tokens, no push (it is polled and
  // told to sync when its simulated world changes), and mail never leaves the machine.
  // Its sample meetings simulate Meet attendance.
  sandbox: { oauth: false, push: false, mail: "outbox", meetAttendance: true, teamsReports: false, sentMailSettlesMs: 0 },
};

export function capabilitiesOf(kind: ProviderKind): ProviderCapabilities {
  return CAPABILITIES[kind];
}
