/** What a calendar event and the account's access let us know about a meeting: pure, no I/O. */
export { isWatched, notWatchedReason, type WatchableMeeting } from "./watched.js";
export { placeAtSight, type Placement } from "./placement.js";
export {
  EVIDENCE_SOURCES,
  evidenceSourceOf,
  physicalLocation,
  placeOf,
  type EvidenceSource,
  type MeetingPlace,
  type MeetingVisibility,
  type SignalAccess,
  type SourceFacts,
} from "./evidence-source.js";
export { zoomMeetingIdIn, zoomMeetingIdOf } from "./zoom-link.js";
