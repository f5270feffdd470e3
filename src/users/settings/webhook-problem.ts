import { AppError, errorMessage } from "../../platform/index.js";

/**
 * Why a webhook URL cannot be used, in words for the settings page. The checks themselves
 * live with the webhook sender; this only rewrites what a person cannot act on
 * ("getaddrinfo ENOTFOUND hooks.slak.com") into what to do about it.
 */
export function webhookProblemInWords(url: string, error: unknown): string {
  if (error instanceof AppError && error.code === "webhook_dns_failed") {
    const host = hostOf(url);
    return `No server answers at \u201c${host}\u201d: check the address for a typo (Slack's webhook addresses start with https://hooks.slack.com/services/).`;
  }
  const message = errorMessage(error);
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
