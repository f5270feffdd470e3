import { hkdfSync } from "node:crypto";
import type { KeyRing } from "./key-ring.js";

/**
 * Cookie signing secrets derived from the token keys (HKDF, a purpose label of its own),
 * newest first: one secret to manage, and rotating TOKEN_ENCRYPTION_KEY keeps existing
 * sessions valid while the old key is still listed.
 */
export function cookieSecretsFrom(keys: KeyRing): Buffer[] {
  return keys.all.map((key) => Buffer.from(hkdfSync("sha256", key.key, Buffer.alloc(0), "makegood cookie signing v1", 32)));
}
