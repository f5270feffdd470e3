import { rekeyTokens } from "../src/calendars/index.js";
import type { Job } from "./job.js";

/** After a key rotation: re-seals tokens still sealed with an older TOKEN_ENCRYPTION_KEY key. */
export const rekeyJob: Job = {
  name: "rekey",
  description: "Re-encrypt OAuth tokens sealed with an older TOKEN_ENCRYPTION_KEY key with the newest one",
  schedule: "41 3 * * *",
  // Row locks let two runs share the work safely; no job-wide lock is needed.
  exclusive: false,
  async run({ db, sealer, log, signal }) {
    const result = await rekeyTokens({ db, sealer, log, signal });
    return { rekeyed: result.rekeyed, unreadable: result.unreadable, batches: result.batches, key: sealer.currentKeyId };
  },
};
