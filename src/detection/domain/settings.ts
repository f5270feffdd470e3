/** The user's detection settings (the `settings` row), in whole minutes. */
export interface DetectionSettings {
  /** minutes after the start without evidence before "running late?" */
  readonly lateGraceMinutes: number;
  /** minutes after the end to wait for lagging conference data before "are you sure?" */
  readonly settleMinutes: number;
  /** minutes after the end to confirm a miss on our own when the others joined; null = never */
  readonly autoConfirmMinutes: number | null;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = {
  lateGraceMinutes: 5,
  settleMinutes: 10,
  autoConfirmMinutes: null,
};

/** Inclusive bounds, shared with the API schema so both reject the same values. */
export const DETECTION_SETTING_BOUNDS = {
  lateGraceMinutes: { min: 0, max: 60 },
  settleMinutes: { min: 0, max: 240 },
  autoConfirmMinutes: { min: 0, max: 1440 },
} as const satisfies Record<keyof DetectionSettings, { min: number; max: number }>;

export interface SettingsProblem {
  readonly field: keyof DetectionSettings;
  readonly message: string;
}

function problemWith(field: keyof DetectionSettings, value: number): SettingsProblem | null {
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
  ];
  return problems.filter((problem): problem is SettingsProblem => problem !== null);
}
