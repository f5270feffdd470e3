/**
 * What the detector knows about who joined (PRODUCT §3). Collected at the edge from Meet
 * participants, Teams attendance reports, Graph presence, "I'm here" links and the app.
 */
export type EvidenceKind = "conference_joined" | "presence_in_call" | "checked_in" | "marked_attended" | "others_joined";

/** Evidence that the user was there, strongest first. `others_joined` is not among them. */
export const ATTENDANCE_EVIDENCE_KINDS = ["conference_joined", "presence_in_call", "checked_in", "marked_attended"] as const;

export type AttendanceEvidenceKind = (typeof ATTENDANCE_EVIDENCE_KINDS)[number];

export interface EvidenceItem {
  readonly kind: EvidenceKind;
  /** the join time for conference data, the reading time for presence, the click time for a check-in */
  readonly observedAt: Date;
}

/**
 * The strongest evidence that the user attended, or null. `observedAt` is deliberately not
 * checked: conference reports lag and providers' clocks differ, and a false "you missed it"
 * is the worst mistake this service can make, so any evidence attached to the meeting counts.
 */
export function strongestAttendance(evidence: readonly EvidenceItem[]): AttendanceEvidenceKind | null {
  return ATTENDANCE_EVIDENCE_KINDS.find((kind) => evidence.some((item) => item.kind === kind)) ?? null;
}

/** Conference data shows the others joined and (absent own evidence) the user did not. */
export function othersJoinedWithoutUser(evidence: readonly EvidenceItem[]): boolean {
  return strongestAttendance(evidence) === null && evidence.some((item) => item.kind === "others_joined");
}
