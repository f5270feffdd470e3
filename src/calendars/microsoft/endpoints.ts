/** Where the Microsoft identity platform and Microsoft Graph live (PRODUCT §1: configurable for the emulator). */
export interface MicrosoftEndpoints {
  /** e.g. https://login.microsoftonline.com, no trailing slash */
  authorityUrl: string;
  /** e.g. https://graph.microsoft.com, no trailing slash */
  graphUrl: string;
  /** `common`, `organizations`, `consumers`, a tenant id or a verified domain */
  tenant: string;
}

export const PROVIDER = "microsoft";

/**
 * PRODUCT §1: the fixed Microsoft scopes (offline_access is what makes the token endpoint issue
 * refresh tokens). Presence.Read reads the user's own Teams presence (/me/presence);
 * MailboxSettings.Read their preferred time zone (/me/mailboxSettings), which User.Read does not cover.
 * Mail.ReadBasic (user-consentable, no bodies) finds a sent draft in Sent Items by its Message-ID,
 * which settles a send whose outcome was lost (drafts/send-draft.ts) without asking the user.
 */
export const MICROSOFT_SCOPES = ["offline_access", "User.Read", "Calendars.ReadWrite", "Mail.Send", "Mail.ReadBasic", "OnlineMeetings.Read", "OnlineMeetingArtifact.Read.All", "Presence.Read", "MailboxSettings.Read"] as const;

export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
