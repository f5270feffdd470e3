// The drafts inbox: read, edit, approve or reject; what was sent, when and how.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api } from "../api.js";
import { dateTime } from "../format.js";
import { ActionStatus, Empty, html, Loading, Problem, useAction, useResource } from "../ui.js";

export const KINDS = { late_notice: "Late notice", reschedule: "Reschedule proposal", materials: "Materials cover note", thank_you: "Thank-you email" };
const STATUS = {
  pending: { symbol: "✎", label: "Waiting for your approval" },
  approved: { symbol: "➜", label: "Approved, sending" },
  sent: { symbol: "✓", label: "Sent" },
  rejected: { symbol: "✗", label: "Rejected" },
  failed: { symbol: "⚠", label: "Not sent" },
};
const VIA = { mailbox: "from your own mailbox", smtp: "over SMTP", outbox: "to the sandbox outbox (not really sent)" };

/** The draft a link names: `#/drafts?draft=<id>` (`?id=` from older links). */
const focusedDraft = () => {
  const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
  return params.get("draft") ?? params.get("id");
};

/** Follows the address: a second link to another draft on the same page moves the highlight too. */
function useFocusedDraft() {
  const [focus, setFocus] = useState(focusedDraft);
  useEffect(() => {
    const update = () => setFocus(focusedDraft());
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return focus;
}

export function DraftsPage({ profile, refreshKey, refresh, headingRef }) {
  const [state, reload] = useResource(() => api.get("/api/drafts"), [refreshKey]);
  const focus = useFocusedDraft();
  // Scrolled to (and given focus, so a keyboard continues there) once it is on the page; later
  // refreshes leave the reader where they are.
  useEffect(() => {
    if (!focus || !state.data) return;
    const card = document.getElementById("draft-" + focus);
    if (!card) return;
    card.scrollIntoView({ block: "start" });
    card.focus({ preventScroll: true });
  }, [focus, !!state.data]);
  const missing = focus && state.data && !state.data.drafts.some((d) => d.id === focus);

  const drafts = state.data?.drafts ?? [];
  const pending = drafts.filter((d) => d.status === "pending");
  const others = drafts.filter((d) => d.status !== "pending");
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Drafts</h1>
    <p class="muted">Nothing is sent without your approval (late notices only if you allowed it in Settings). An approved draft is sent exactly once.</p>
    ${state.status === "loading" && html`<${Loading} what="drafts" />`}
    ${state.error && html`<${Problem} error=${state.error} retry=${reload} />`}
    ${missing && html`<p class="problem" role="alert">The draft this link points to is no longer here (the sandbox may have started over). The drafts below are the current ones.</p>`}
    ${state.data && (drafts.length === 0
      ? html`<${Empty} title="No drafts yet.">Late notices, reschedule proposals, cover notes and thank-you emails are drafted for you and wait here.</${Empty}>`
      : html`
        <h2 class="group-title">Waiting for approval (${pending.length})</h2>
        ${pending.length === 0 ? html`<p class="muted">Nothing waiting.</p>` : pending.map((d) => html`<${Draft} key=${d.id} draft=${d} zone=${profile.timeZone} onChanged=${refresh} open=${true} focused=${d.id === focus} />`)}
        ${others.length > 0 && html`<h2 class="group-title">Sent and other drafts</h2>${others.map((d) => html`<${Draft} key=${d.id} draft=${d} zone=${profile.timeZone} onChanged=${refresh} open=${d.id === focus} focused=${d.id === focus} />`)}`}
      `)}
  `;
}

/**
 * The message box grows to its text (and with the user's typing), so the offered times and the
 * whole message are read before approving, never scrolled inside a small box.
 */
function GrowingTextarea({ id, value, onInput }) {
  const box = useRef(null);
  const fit = () => {
    const element = box.current;
    if (!element) return;
    element.style.height = "auto";
    // scrollHeight excludes the border; add it back so no scrollbar appears.
    const border = element.offsetHeight - element.clientHeight;
    element.style.height = `${element.scrollHeight + border}px`;
  };
  useLayoutEffect(fit, [value]);
  // A narrower screen wraps more lines: fit again when the width changes.
  useEffect(() => {
    const element = box.current;
    if (!element || typeof ResizeObserver !== "function") return;
    let width = element.clientWidth;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth !== width) {
        width = element.clientWidth;
        fit();
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return html`<textarea id=${id} ref=${box} class="grows" rows="4" value=${value} onInput=${onInput}></textarea>`;
}

function Draft({ draft, zone, onChanged, open, focused }) {
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

  // The kind is a label beside the subject, not a prefix of it: subjects often name it already
  // ("Thank you: …"), and "Thank-you: Thank you: …" reads as a stutter.
  return html`<article id=${id} class=${"card draft draft-" + draft.status + (focused ? " draft-focused" : "")} aria-labelledby=${id + "-title"} aria-describedby=${id + "-kind"} tabindex="-1">
    <div class="draft-head">
      <span class="draft-kind" id=${id + "-kind"}>${KINDS[draft.kind]}</span>
      <span class=${"badge draft-badge-" + draft.status}><span aria-hidden="true">${status.symbol}</span> ${status.label}</span>
      ${focused && html`<span class="badge draft-linked">Opened from your link</span>`}
    </div>
    <h3 id=${id + "-title"}>${draft.subject}</h3>
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
          <${GrowingTextarea} id=${id + "-body"} value=${body} onInput=${(e) => setBody(e.currentTarget.value)} />
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
