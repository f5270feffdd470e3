import type { DetectableMeeting, EvidenceItem, EvidenceKind } from "../../../src/detection/domain/index.js";

/** A half-hour meeting; tests speak in minutes from its start. */
export const START = new Date("2026-03-10T15:00:00.000Z");
export const DURATION_MINUTES = 30;

export function minute(offset: number): Date {
  return new Date(START.getTime() + offset * 60_000);
}

export function meeting(overrides: Partial<DetectableMeeting> = {}): DetectableMeeting {
  return {
    id: "m1",
    start: START,
    end: minute(DURATION_MINUTES),
    state: "upcoming",
    watched: true,
    isCancelled: false,
    selfDeclined: false,
    // a meeting whose conference we can read live (a Meet the user joins): every question can be asked
    source: "conference",
    liveSignal: true,
    liveSignalRead: true,
    watchedSince: null,
    ...overrides,
  };
}

export const cancelled = { isCancelled: true, watched: false } as const;
export const declined = { selfDeclined: true, watched: false } as const;

export function seen(kind: EvidenceKind, atMinute = 1): EvidenceItem {
  return { kind, observedAt: minute(atMinute) };
}
