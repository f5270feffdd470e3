import { AppError } from "../platform/index.js";

/**
 * How long a send may take from the moment its attempt is recorded: token refresh and the
 * provider call together. A crashed worker's attempt is certainly over (sent or not) this long
 * after it was recorded, plus the provider's own processing of a request that had fully arrived.
 */
export const MAIL_SEND_WINDOW_MS = 20_000;

/** The send was not started: its window had closed (a slow token refresh, a stalled process). Nothing left. */
export class SendWindowClosed extends AppError {
  constructor() {
    super("The window for this send attempt closed before the message was handed to the provider; it will be tried again", { code: "send_window_closed", retryable: true });
  }
}

/** Milliseconds left before `deadline`; none left throws SendWindowClosed, before anything leaves the machine. */
export function timeLeftToSend(deadline: Date, now: Date): number {
  const left = deadline.getTime() - now.getTime();
  if (left <= 0) throw new SendWindowClosed();
  return left;
}
