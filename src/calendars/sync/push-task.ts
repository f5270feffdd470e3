import { z } from "zod";
import { enqueueTasks } from "../../tasks/index.js";
import { defineTask, type Tx } from "../../tasks/index.js";
import { maintainPushChannels, type PushDependencies } from "./push-channels.js";

export const PUSH_TASK = "maintain_push";

/** Queues opening/renewing a connection's push channels; `reason` dedupes repeats. */
export function requestPushMaintenance(tx: Tx, connectionId: string, reason: string, now: Date, options: { forceRenew?: boolean } = {}): Promise<number> {
  return enqueueTasks(tx, [{ kind: PUSH_TASK, payload: { connectionId, forceRenew: options.forceRenew ?? false }, idempotencyKey: `push:${connectionId}:${reason}`, dueAt: now }]);
}

export function maintainPushTask(deps: PushDependencies) {
  return defineTask({
    kind: PUSH_TASK,
    payload: z.object({ connectionId: z.uuid(), forceRenew: z.boolean().default(false) }),
    async run({ connectionId, forceRenew }) {
      await maintainPushChannels(connectionId, deps, { forceRenew });
    },
  });
}
