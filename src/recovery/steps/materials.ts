import { z } from "zod";
import { defineTask } from "../../tasks/index.js";
import type { RecoveryDependencies } from "../recovery-deps.js";

export const MATERIALS = "materials";

/**
 * Materials (with the proposal; seed 000 step 6): a reminder on the case page, nothing more
 * until the user adds a link to send (domain `decide`, events "step_due" and
 * "materials_links_set": CaseService.setMaterialsLinks drafts the cover note then). The task row stays so the step has its due time like the others; drafting an empty
 * "here are the materials" note here would claim something that is not there.
 */
export function materialsTask(_deps: RecoveryDependencies) {
  return defineTask({
    kind: MATERIALS,
    payload: z.object({ caseId: z.uuid() }),
    async run() {
      // Nothing to prepare: the reminder is the step itself.
    },
  });
}
