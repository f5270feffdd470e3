/** What happens to a check-in-only meeting that got no check-in (PRODUCT §3). */
export const CHECK_IN_PROMPTS = ["digest", "each", "never"] as const;
export type CheckInPrompt = (typeof CHECK_IN_PROMPTS)[number];

/** The user's detection settings (the `settings` row), in whole minutes. */
export interface DetectionSettings {
  /** minutes after the start without evidence before "running late?" */
  readonly lateGraceMinutes: number;
  /** minutes after the end to wait for lagging conference data before "are you sure?" */
  readonly settleMinutes: number;
  /** minutes after the end to confirm a miss on our own when the others joined; null = never */
  readonly autoConfirmMinutes: number | null;
  /** check-in-only meetings without a check-in: one digest a day, a question each, or none */
  readonly checkInPrompt: CheckInPrompt;
  /** "running late?" for check-in-only meetings too (the user asked for it) */
  readonly lateAlertsWithoutSignal: boolean;
  /** minutes before a check-in-only meeting to nudge ("I'm here" / "running late"); 0 = never */
  readonly nudgeMinutes: number;
  /** the user's IANA zone and the end of their working day ("17:00"): when the digest goes */
  readonly timeZone: string;
  readonly workdayEnd: string;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = {
  lateGraceMinutes: 5,
  settleMinutes: 10,
  autoConfirmMinutes: null,
  checkInPrompt: "digest",
  lateAlertsWithoutSignal: false,
  nudgeMinutes: 5,
  timeZone: "UTC",
  workdayEnd: "17:00",
};

type MinuteSetting = "lateGraceMinutes" | "settleMinutes" | "autoConfirmMinutes" | "nudgeMinutes";

/** Inclusive bounds, shared with the API schema so both reject the same values. */
export const DETECTION_SETTING_BOUNDS = {
  lateGraceMinutes: { min: 0, max: 60 },
  settleMinutes: { min: 0, max: 240 },
  autoConfirmMinutes: { min: 0, max: 1440 },
  nudgeMinutes: { min: 0, max: 60 },
} as const satisfies Record<MinuteSetting, { min: number; max: number }>;

export interface SettingsProblem {
  readonly field: MinuteSetting;
  readonly message: string;
}

function problemWith(field: MinuteSetting, value: number): SettingsProblem | null {
  const { min, max } = DETECTION_SETTING_BOUNDS[field];
  if (Number.isInteger(value) && value >= min && value <= max) return null;
  return { field, message: `${field} must be a whole number of minutes from ${min} to ${max}` };
}

/** Every out-of-bounds field, named; empty when the settings are usable. */
export function detectionSettingsProblems(settings: DetectionSettings): SettingsProblem[] {
  const problems = [
    problemWith("lateGraceMinutes", settings.lateGraceMinutes),
    problemWith("settleMinutes", settings.settleMinutes),
    settings.autoConfirmMinutes === null ? null : problemWith("autoConfirmMinutes", settings.autoConfirmMinutes),
    problemWith("nudgeMinutes", settings.nudgeMinutes),
  ];
  return problems.filter((problem): problem is SettingsProblem => problem !== null);
}
