import { escapeHtml, type EmulatorContext } from "./context.js";
import type { Account, Provider } from "./state.js";

export type LoginOutcome = { kind: "account"; account: Account } | { kind: "deny" } | { kind: "page"; html: string };

/**
 * Stands in for the provider's sign-in and consent screens: the account set with setNextLogin
 * (once), a click on the chooser page (emulator_login=...), or a login_hint naming a known account.
 */
export function resolveLogin(ctx: EmulatorContext, provider: Provider, rawUrl: string, params: Record<string, string>): LoginOutcome {
  const next = ctx.state.nextLogin.get(provider);
  if (next !== undefined) {
    ctx.state.nextLogin.delete(provider);
    if (next === "deny") return { kind: "deny" };
    return { kind: "account", account: ctx.state.addAccount({ provider, email: next }) };
  }
  const chosen = params["emulator_login"];
  if (chosen === "deny") return { kind: "deny" };
  const byChoice = chosen ? ctx.state.findAccount(provider, chosen) : undefined;
  if (byChoice) return { kind: "account", account: byChoice };
  const byHint = params["login_hint"] ? ctx.state.findAccount(provider, params["login_hint"]) : undefined;
  if (byHint) return { kind: "account", account: byHint };
  return { kind: "page", html: chooserPage(provider, rawUrl, [...ctx.state.accounts.values()].filter((a) => a.provider === provider)) };
}

function chooserPage(provider: Provider, rawUrl: string, accounts: Account[]): string {
  const link = (value: string): string => {
    const url = new URL(rawUrl, "https://localhost");
    url.searchParams.set("emulator_login", value);
    return escapeHtml(url.pathname + url.search);
  };
  const items = accounts.map((a) => `<li><a href="${link(a.email)}">${escapeHtml(a.name)} &lt;${escapeHtml(a.email)}&gt;</a></li>`).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Emulated ${provider} sign-in</title></head><body>`
    + `<h1>Emulated ${provider === "google" ? "Google" : "Microsoft"} sign-in</h1>`
    + `<p>Choose an account (this page replaces the provider's login and consent screens).</p>`
    + `<ul>${items || "<li>No accounts yet: create one with POST /_emulator/users.</li>"}</ul>`
    + `<p><a href="${link("deny")}">Cancel (deny access)</a></p></body></html>`;
}

/** Appends query parameters to a redirect URI that may already carry some. */
export function withQuery(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}
