// The sandbox outbox: every email the sandbox "sent", kept here instead of leaving the machine.
import { api } from "../api.js";
import { dateTime } from "../format.js";
import { Empty, html, Loading, Problem, useResource } from "../ui.js";

/** What produced each email, in words (the API's `kind`). */
const KINDS = { alert: "Alert email to you", late_notice: "Late notice", reschedule: "Reschedule proposal", materials: "Materials cover note", thank_you: "Thank-you email", other: "Email" };

export function OutboxPage({ profile, refreshKey, headingRef }) {
  const [state, reload] = useResource(() => api.get("/api/outbox"), [refreshKey]);
  const unavailable = state.error && state.error.status === 404;
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Outbox</h1>
    <p class="muted">In the sandbox, emails land here instead of leaving the machine.</p>
    ${state.status === "loading" && html`<${Loading} what="the outbox" />`}
    ${unavailable && html`<${Empty} title="No outbox on this server.">The outbox preview exists only in the sandbox; with a real calendar, approved emails go out from your mailbox.</${Empty}>`}
    ${state.error && !unavailable && html`<${Problem} error=${state.error} retry=${reload} />`}
    ${state.data && (state.data.messages.length === 0
      ? html`<${Empty} title="The outbox is empty.">Approve a draft or receive an alert email and it appears here.</${Empty}>`
      : html`<ul class="outbox">${state.data.messages.map((m) => html`<li key=${m.id} class="card">
          <p class="draft-kind">${KINDS[m.kind] ?? KINDS.other}</p>
          <h2 class="message-subject">${m.subject}</h2>
          <p class="muted">To ${m.to.join(", ")} · sent ${dateTime(m.createdAt, profile.timeZone)}</p>
          <details><summary>Read the message</summary><pre class="message">${m.text}</pre></details>
        </li>`)}</ul>`)}
  `;
}
