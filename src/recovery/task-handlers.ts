import type { TaskHandler } from "../tasks/index.js";
import { matchRescheduleTask } from "./match-reschedule.js";
import { openRecoveryCaseTask } from "./open-case-task.js";
import type { RecoveryDependencies } from "./recovery-deps.js";
import { bufferBlockTask, syncBufferTask } from "./steps/buffer-block.js";
import { callReminderTask } from "./steps/call-reminder.js";
import { giftPromptTask } from "./steps/gift-prompt.js";
import { materialsTask } from "./steps/materials.js";
import { rescheduleProposalTask } from "./steps/reschedule-proposal.js";
import { thankYouTask } from "./steps/thank-you.js";

/** Every task kind of the recovery workflow, for the task runner. */
export function recoveryTaskHandlers(deps: RecoveryDependencies): TaskHandler<unknown>[] {
  return [
    openRecoveryCaseTask(deps),
    callReminderTask(deps),
    rescheduleProposalTask(deps),
    materialsTask(deps),
    giftPromptTask(deps),
    bufferBlockTask(deps),
    syncBufferTask(deps),
    thankYouTask(deps),
    matchRescheduleTask(deps),
  ] as TaskHandler<unknown>[];
}
