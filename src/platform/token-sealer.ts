import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "./errors.js";
import type { KeyRing } from "./key-ring.js";

/**
 * AES-256-GCM envelopes for OAuth tokens at rest: "v1.<keyId>.<iv>.<tag>.<ciphertext>"
 * (base64url parts). The key id in the envelope lets old rows open after a rotation.
 */
const VERSION = "v1";

export class TokenSealer {
  constructor(private readonly keys: KeyRing) {}

  get currentKeyId(): string {
    return this.keys.current.id;
  }

  seal(plaintext: string, context: string): string {
    const { id, key } = this.keys.current;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    // The context (e.g. the connection id) is bound as associated data, so a sealed token
    // copied onto another row does not open there.
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
  }

  open(envelope: string, context: string): string {
    const [version, keyId, iv, tag, ciphertext] = envelope.split(".");
    if (version !== VERSION || !keyId || !iv || !tag || ciphertext === undefined) {
      throw new AppError("A sealed token is malformed", { code: "token_unreadable" });
    }
    const key = this.keys.all.find((k) => k.id === keyId);
    if (!key) {
      throw new AppError(`A token is sealed with key "${keyId}", which TOKEN_ENCRYPTION_KEY no longer lists; add it back (after the newest key) and run: npm run job -- rekey`, {
        code: "token_key_missing",
        details: { keyId },
      });
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch (cause) {
      throw new AppError("A sealed token failed authentication (wrong key or tampered row)", { code: "token_unreadable", cause, details: { keyId } });
    }
  }

  /** Whether an envelope was sealed with an older key and should be re-sealed. */
  isStale(envelope: string): boolean {
    return envelope.split(".")[1] !== this.keys.current.id;
  }
}
