import { createECDH } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "./logger.js";

/**
 * The application server's VAPID key pair (RFC 8292): push services tie each subscription to
 * its public key, so it must stay the same for as long as subscriptions live. Base64url, as
 * browsers' `applicationServerKey` and the web-push library take them: the public key an
 * uncompressed P-256 point (65 bytes), the private key the 32-byte scalar.
 */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const stored = z.object({ publicKey: z.string().min(80), privateKey: z.string().min(40) });

export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey().toString("base64url"), privateKey: ecdh.getPrivateKey().toString("base64url") };
}

/** Why a VAPID pair cannot be used, or null: the public key must be the private key's own. */
export function vapidKeysProblem(keys: VapidKeys): string | null {
  const publicKey = Buffer.from(keys.publicKey, "base64url");
  const privateKey = Buffer.from(keys.privateKey, "base64url");
  if (publicKey.length !== 65 || publicKey[0] !== 4) return "VAPID_PUBLIC_KEY must be an uncompressed P-256 public key in base64url (65 bytes, 87 characters)";
  if (privateKey.length !== 32) return "VAPID_PRIVATE_KEY must be a P-256 private key in base64url (32 bytes, 43 characters)";
  try {
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(privateKey);
    if (!ecdh.getPublicKey().equals(publicKey)) return "VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY";
  } catch {
    return "VAPID_PRIVATE_KEY is not a valid P-256 private key";
  }
  return null;
}

/**
 * With the embedded database and no VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY, a pair is generated
 * once into the data folder (mode 600), like the token key, so `npm start` needs no
 * configuration.
 */
export async function loadOrCreateVapidKeys(dataDir: string, log: Logger): Promise<VapidKeys> {
  const file = path.resolve(dataDir, "vapid-keys.json");
  const read = async () => stored.parse(JSON.parse(await readFile(file, "utf8")));
  let keys = await read().catch(() => undefined);
  if (!keys) {
    await mkdir(path.dirname(file), { recursive: true });
    const fresh = generateVapidKeys();
    // "wx": never overwrite a pair another process wrote a moment ago.
    keys = await writeFile(file, `${JSON.stringify(fresh)}\n`, { mode: 0o600, flag: "wx" }).then(
      () => fresh,
      () => read(),
    );
    log.info({ file }, "generated a VAPID key pair for Web Push in the data folder; set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY to manage it yourself");
  }
  const problem = vapidKeysProblem(keys);
  if (problem) throw new Error(`The VAPID keys in ${file} are unusable (${problem}); delete the file, and every device subscribes again`);
  return keys;
}
