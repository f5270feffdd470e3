import { z } from "zod";
import { AppError, errorMessage } from "../../platform/index.js";

// The fields nodemailer sets on its errors; read through a schema, never trusted.
const smtpFailure = z.object({ code: z.string().optional(), responseCode: z.number().int().optional(), command: z.string().optional() }).loose();

/**
 * Classifies a failed SMTP send where it happens:
 * - a 4xx reply (greylisting, mailbox busy, 421 shutting down) → retryable;
 * - a 5xx reply (recipient unknown, message refused) → permanent: the same message to the
 *   same address will be refused again;
 * - authentication failure → retryable: the message is not at fault, and the backoff gives
 *   an operator time to fix the credentials before the task is parked;
 * - a message nodemailer could not build → permanent;
 * - anything else (connection refused, DNS, TLS, timeouts, dropped sockets) → retryable.
 */
export function classifySmtpError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const parsed = smtpFailure.safeParse(error);
  const failure = parsed.success ? parsed.data : {};
  const details = { smtpCode: failure.code ?? null, responseCode: failure.responseCode ?? null, command: failure.command ?? null };
  const reason = errorMessage(error);
  const responseCode = failure.responseCode;
  if (failure.code === "EAUTH") {
    return new AppError(`The SMTP server refused our login: ${reason}`, { code: "smtp_auth_failed", retryable: true, cause: error, details });
  }
  if (responseCode !== undefined && responseCode >= 500) {
    return new AppError(`The SMTP server refused the message: ${reason}`, { code: "smtp_rejected", retryable: false, cause: error, details });
  }
  if (responseCode !== undefined && responseCode >= 400) {
    return new AppError(`The SMTP server deferred the message: ${reason}`, { code: "smtp_deferred", retryable: true, cause: error, details });
  }
  if (failure.code === "EENVELOPE" || failure.code === "EMESSAGE") {
    return new AppError(`The message could not be sent as built: ${reason}`, { code: "smtp_invalid_message", retryable: false, cause: error, details });
  }
  return new AppError(`The SMTP server could not be reached: ${reason}`, { code: "smtp_unavailable", retryable: true, cause: error, details });
}
