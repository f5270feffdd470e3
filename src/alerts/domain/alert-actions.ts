/**
 * The answers an alert offers outside the dashboard (a notification's buttons, ntfy's actions,
 * Slack buttons): each one is what the dashboard's button for that alert does, reached through
 * a signed link. Pure: which answers fit which alert, and what they are called.
 */
export const ALERT_ACTIONS = ["here", "late_10", "missed", "attended", "all_attended"] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** The minutes "Running 10 min late" tells them (the notice adds its margin, as the dashboard's form does). */
export const QUICK_LATE_MINUTES = 10;

const LABELS: Record<AlertAction, string> = {
  here: "I'm here",
  late_10: `Running ${QUICK_LATE_MINUTES} min late`,
  missed: "Yes, I missed it",
  attended: "I was there",
  all_attended: "I was at all of them",
};

/** What an answered action did, for the page or the notification that confirms it. */
export const ACTION_DONE: Record<AlertAction, string> = {
  here: "You're checked in.",
  late_10: "Your late notice is drafted.",
  missed: "Noted: your recovery plan is under Recovery.",
  attended: "Noted: you were there.",
  all_attended: "Noted: you were at all of them.",
};

export interface ActionableAlert {
  kind: string;
  /** the alert's `data` JSON: a digest lists `meetingIds` */
  data: unknown;
}

/**
 * The answers for an alert kind, most likely first (a lock screen shows two; Android three).
 * Alerts that ask nothing (reminders, re-authorisation) offer none: opening the dashboard is
 * their only action.
 */
export function actionsFor(alert: ActionableAlert): AlertAction[] {
  switch (alert.kind) {
    case "late":
    case "nudge":
      return ["here", "late_10"];
    case "heads_up":
      return ["late_10"];
    case "suspected_missed":
      return ["missed", "attended"];
    case "digest":
      return ["all_attended"];
    default:
      return [];
  }
}

export function actionLabel(action: AlertAction, alert: ActionableAlert): string {
  // A digest of one meeting asks "Were you at X?": the answer is "I was there".
  if (action === "all_attended" && digestSize(alert.data) === 1) return LABELS.attended;
  return LABELS[action];
}

function digestSize(data: unknown): number {
  if (typeof data !== "object" || data === null || !("meetingIds" in data) || !Array.isArray(data.meetingIds)) return 0;
  return data.meetingIds.length;
}

const HOUR_MS = 60 * 60_000;

/**
 * How long an answer's link works. Answers about a meeting under way ("I'm here", "running
 * late") stop mattering two hours after its end, like the check-in link; answers to a
 * question ("did you miss it?") keep for a week, the time a user may take to get to it.
 */
export function actionExpiry(action: AlertAction, alert: { createdAt: Date; meetingEnd: Date | null }): Date {
  if ((action === "here" || action === "late_10") && alert.meetingEnd) return new Date(alert.meetingEnd.getTime() + 2 * HOUR_MS);
  return new Date(alert.createdAt.getTime() + 7 * 24 * HOUR_MS);
}
