// The drafts inbox: read, edit, approve or reject; what was sent, when and how.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { dateTime } from "../format.js";
import { ActionStatus, Empty, html, Loading, Problem, useAction, useResource } from "../ui.js";

const KINDS = { late_notice: "Late notice", reschedule: "Reschedule proposal", materials: "Materials cover note", thank_you: "Thank-you" };
const STATUS = {
  pending: { symbol: "✎", label: "Waiting for your approval" },
  approved: { symbol: "➜", label: "Approved, sending" },
  sent: { symbol: "✓", label: "Sent" },
  rejected: { symbol: "✗", label: "Rejected" },
  failed: { symbol: "⚠", label: "Not sent" },
};
const VIA = { mailbox: "from your own mailbox", smtp: "over SMTP", outbox: "to the sandbox outbox (not really sent)" };

const focusedDraft = () => new URLSearchParams(location.hash.split("?")[1] ?? "").get("id");

export function DraftsPage({ profile, refreshKey, refresh, headingRef }) {
  const [state, reload] = useResource(() => api.get("/api/drafts"), [refreshKey]);
  const focus = focusedDraft();
  useEffect(() => {
    if (focus && state.data) document.getElementById("draft-" + focus)?.scrollIntoView({ block: "start" });
  }, [focus, !!state.data]);

  const drafts = state.data?.drafts ?? [];
  const pending = drafts.filter((d) => d.status === "pending");
  const others = drafts.filter((d) => d.status !== "pending");
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Drafts</h1>
    <p class="muted">Nothing is sent without your approval (late notices only if you allowed it in Settings). An approved draft is sent exactly once.</p>
    ${state.status === "loading" && html`<${Loading} what="drafts" />`}
    ${state.error && html`<${Problem} error=${state.error} retry=${reload} />`}
    ${state.data && (drafts.length === 0
      ? html`<${Empty} title="No drafts yet.">Late notices, reschedule proposals, cover notes and thank-you emails are drafted for you and wait here.</${Empty}>`
      : html`
        <h2 class="group-title">Waiting for approval (${pending.length})</h2>
        ${pending.length === 0 ? html`<p class="muted">Nothing waiting.</p>` : pending.map((d) => html`<${Draft} key=${d.id} draft=${d} zone=${profile.timeZone} onChanged=${refresh} open=${true} />`)}
        ${others.length > 0 && html`<h2 class="group-title">Sent and other drafts</h2>${others.map((d) => html`<${Draft} key=${d.id} draft=${d} zone=${profile.timeZone} onChanged=${refresh} open=${d.id === focus} />`)}`}
      `)}
  `;
}

function Draft({ draft, zone, onChanged, open }) {
  const [subject, setSubject] = useState(draft.subject);
  const [body, setBody] = useState(draft.body);
  const [state, run] = useAction(onChanged);
  useEffect(() => {
    setSubject(draft.subject);
    setBody(draft.body);
  }, [draft.subject, draft.body]);

  const id = "draft-" + draft.id;
  // Rejected by the service, not by the user (a late notice once they were there): said as such.
  const status = draft.withdrawnReason ? { symbol: "–", label: "Withdrawn" } : STATUS[draft.status];
  const editable = draft.status === "pending";

  const approve = async (event) => {
    event.preventDefault();
    const edit = {};
    if (subject !== draft.subject) edit.subject = subject;
    if (body !== draft.body) edit.body = body;
    await run(() => api.post(`/api/drafts/${draft.id}/approve`, edit), "Approved: it is being sent.");
  };

  return html`<article id=${id} class=${"card draft draft-" + draft.status} aria-labelledby=${id + "-title"}>
    <div class="draft-head">
      <span class=${"badge draft-badge-" + draft.status}><span aria-hidden="true">${status.symbol}</span> ${status.label}</span>
      <h3 id=${id + "-title"}>${KINDS[draft.kind]}: ${draft.subject}</h3>
    </div>
    <p class="muted">To ${draft.to.join(", ") || "no one"} · drafted ${dateTime(draft.createdAt, zone)}${draft.editedAt ? ` · edited ${dateTime(draft.editedAt, zone)}` : ""}</p>
    ${draft.status === "sent" && html`<p class="sent-line">Sent ${dateTime(draft.sentAt, zone)} ${VIA[draft.sentVia] ?? ""}.</p>`}
    ${draft.status === "approved" && html`<p class="sent-line">Approved ${dateTime(draft.approvedAt, zone)}; sending now.</p>`}
    ${draft.lastError && html`<p class="action-error">${draft.lastError}</p>`}
    ${draft.withdrawnReason && html`<p class="sent-line">${draft.withdrawnReason}</p>`}
    ${draft.status === "rejected" && !draft.withdrawnReason && html`<div class="buttons">
      <button type="button" class="secondary" disabled=${state.busy} onClick=${() => run(() => api.post(`/api/drafts/${draft.id}/restore`), "Restored: it waits for your approval again.")}>Restore to drafts</button>
      <${ActionStatus} state=${{ ...state, message: undefined }} />
    </div>`}
    ${editable
      ? html`<form class="stacked-form" onSubmit=${approve}>
          <label for=${id + "-subject"}>Subject</label>
          <input id=${id + "-subject"} type="text" maxlength="300" value=${subject} onInput=${(e) => setSubject(e.currentTarget.value)} />
          <label for=${id + "-body"}>Message</label>
          <textarea id=${id + "-body"} rows="10" value=${body} onInput=${(e) => setBody(e.currentTarget.value)}></textarea>
          <div class="buttons">
            <button type="submit" disabled=${state.busy}>${subject !== draft.subject || body !== draft.body ? "Approve with my edits" : "Approve and send"}</button>
            <button type="button" class="secondary" disabled=${state.busy} onClick=${() => run(() => api.post(`/api/drafts/${draft.id}/reject`), "Rejected: it will not be sent.")}>Reject</button>
          </div>
          <${ActionStatus} state=${state} />
        </form>`
      : html`<details open=${open}>
          <summary>Read the message</summary>
          <pre class="message">${draft.body}</pre>
        </details>
        ${draft.outcomeUnknown && html`<div class="problem">
          <p>We cannot tell whether this message left. Check your Sent folder first; resend only if it is not there (it keeps the same Message-ID).</p>
          <button type="button" disabled=${state.busy} onClick=${() => run(() => api.post(`/api/drafts/${draft.id}/resend`), "Sending again.")}>Resend</button>
          <${ActionStatus} state=${state} />
        </div>`}`}
  </article>`;
}
