// The start page for a visitor who is not signed in: connect a calendar, or try the sandbox.
import { useEffect } from "preact/hooks";
import { useProviders } from "../providers.js";
import { html } from "../ui.js";
import { browserZone } from "../zone-line.js";

/**
 * Leaves the browser's zone where the sign-in's callback reads it (path /auth, a quarter of an
 * hour): a calendar that names no zone of its own then starts the user in this one, not UTC.
 */
function offerZoneToSignIn(zone) {
  if (zone) document.cookie = `mg_browser_zone=${encodeURIComponent(zone)}; path=/auth; max-age=900; samesite=lax`;
}

export function SignedOut() {
  const answer = useProviders();
  const providers = answer?.providers;
  const problem = answer?.problem;
  useEffect(() => {
    document.title = "Makegood: make good on missed meetings";
    offerZoneToSignIn(browserZone());
  }, []);

  const none = providers && !providers.google && !providers.microsoft && !providers.sandbox;
  return html`<main id="main" class="narrow signed-out">
    <p class="brand big"><span class="logo" aria-hidden="true">◆</span> Makegood</p>
    <h1>Late for a meeting, or missed one? Make it right.</h1>
    <p class="lead">Makegood watches your calendar, notices when you are running late or missed a meeting, and walks you through making it right: call and apologise, propose a new time (sent only after you approve), protect a buffer before the next one, and say thank you.</p>
    ${problem && html`<p class="problem" role="alert">Could not ask the server which sign-ins it offers (${problem}); showing all of them.</p>`}
    ${!providers
      ? html`<p class="loading" role="status">Loading sign-in options…</p>`
      : html`<div class="connect">
          ${providers.google && html`<a class="button big-button" href="/auth/google">Connect Google</a>`}
          ${providers.microsoft && html`<a class="button big-button" href="/auth/microsoft">Connect Outlook</a>`}
          ${providers.sandbox && html`<form method="post" action="/auth/sandbox">${browserZone() && html`<input type="hidden" name="timeZone" value=${browserZone()} />`}<button type="submit" class=${providers.google || providers.microsoft ? "secondary big-button" : "big-button"}>Try the sandbox</button></form>`}
        </div>
        ${providers.sandbox && html`<p class="muted">The sandbox signs you in with a labelled sample calendar: one meeting running late, one missed earlier, a coffee we can't see that starts in a few minutes, yesterday's meetings to confirm and twelve weeks of history. Apart from the two happening right now, they sit in your working hours, in your browser's time zone${browserZone() ? ` (${browserZone()})` : ""}. Emails land in an outbox preview instead of being sent.</p>`}
        ${none && html`<p class="problem" role="alert">No sign-in is configured on this server. Set GOOGLE_CLIENT_ID/SECRET or MICROSOFT_CLIENT_ID/SECRET, or start it with SANDBOX=true.</p>`}`}
    <p class="muted small">Connecting signs you in. Makegood reads your calendar and meeting attendance, and sends email from your account only after you approve it. <a href="/docs">API documentation</a>.</p>
  </main>`;
}
