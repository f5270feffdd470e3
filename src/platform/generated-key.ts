import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseKeyRing, type KeyRing } from "./key-ring.js";
import type { Logger } from "./logger.js";

/**
 * With the embedded database and no TOKEN_ENCRYPTION_KEY, a key is generated once into the
 * data folder (mode 600) and reused, so `npm start` needs no configuration. The key itself
 * is never logged.
 */
export async function loadOrCreateDataDirKey(dataDir: string, log: Logger): Promise<KeyRing> {
  const file = path.resolve(dataDir, "token-encryption.key");
  let encoded = await readFile(file, "utf8").then((t) => t.trim()).catch(() => undefined);
  if (!encoded) {
    await mkdir(path.dirname(file), { recursive: true });
    encoded = randomBytes(32).toString("base64");
    // "wx": never overwrite a key another process wrote a moment ago.
    await writeFile(file, `${encoded}\n`, { mode: 0o600, flag: "wx" }).catch(async () => {
      encoded = (await readFile(file, "utf8")).trim();
    });
    log.info({ file }, "generated a token encryption key in the data folder; set TOKEN_ENCRYPTION_KEY to manage keys yourself");
  }
  const ring = parseKeyRing(encoded);
  if (!ring.ok) throw new Error(`The generated key in ${file} is unreadable (${ring.problem}); delete the file only if no tokens were stored with it`);
  return ring.keyRing;
}
