import { createHash } from "node:crypto";

/**
 * The keys tokens are sealed with. `TOKEN_ENCRYPTION_KEY` lists one or more keys, newest
 * first, separated by commas; each is 32 bytes in base64, optionally prefixed by an id
 * (`2026a:BASE64`). New seals use the newest key; older keys still open old seals until
 * `npm run job -- rekey` has re-sealed every row.
 */
export interface TokenKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  current: TokenKey;
  all: readonly TokenKey[];
}

export type KeyRingParse = { ok: true; keyRing: KeyRing } | { ok: false; problem: string };

const GENERATE_HINT = "generate one with: openssl rand -base64 32";

/** A key without an explicit id gets a stable one derived from the key itself. */
export function keyIdFor(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function parseKeyRing(value: string): KeyRingParse {
  const keys: TokenKey[] = [];
  for (const [index, entry] of value.split(",").map((part) => part.trim()).entries()) {
    if (!entry) continue;
    const separator = entry.indexOf(":");
    const id = separator > 0 ? entry.slice(0, separator) : undefined;
    const encoded = separator > 0 ? entry.slice(separator + 1) : entry;
    const position = value.includes(",") ? ` (key ${index + 1})` : "";
    if (id !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      return { ok: false, problem: `has a key id "${id}"${position} that is not 1–32 letters, digits, - or _` };
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
      return { ok: false, problem: `must be 32 bytes in base64${position} (it is not base64); ${GENERATE_HINT}` };
    }
    const key = Buffer.from(encoded, "base64");
    if (key.length !== 32) {
      return { ok: false, problem: `must be 32 bytes in base64${position} (got ${key.length} bytes); ${GENERATE_HINT}` };
    }
    const keyId = id ?? keyIdFor(key);
    if (keys.some((k) => k.id === keyId)) return { ok: false, problem: `lists the key id "${keyId}" twice` };
    keys.push({ id: keyId, key });
  }
  const [current] = keys;
  if (!current) return { ok: false, problem: `is empty; ${GENERATE_HINT}` };
  return { ok: true, keyRing: { current, all: keys } };
}
