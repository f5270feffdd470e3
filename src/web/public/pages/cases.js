// Recovery cases: each step of making it right after a missed meeting, and what to do next.
import { useState } from "preact/hooks";
import { api } from "../api.js";
import { dateTime, timeRange, day } from "../format.js";
import { SandboxPanel } from "../sandbox-panel.js";
import { ActionStatus, Empty, html, Loading, Problem, useAction, useResource } from "../ui.js";

const STEP_LABELS = {
  call_reminder: "Call and apologise",
  reschedule_proposal: "Propose a new time",
  gift_prompt: "Send a small gift",
  materials: "Send the materials",
  buffer_block: "Buffer before the new meeting",
  thank_you: "Say thank you",
};
const USER_DONE = new Set(["call_reminder", "reschedule_proposal", "gift_prompt", "materials", "thank_you"]);
const STATUS = { due: { symbol: "●", label: "To do now" }, waiting: { symbol: "◷", label: "Waiting" }, done: { symbol: "✓", label: "Done" } };

export function CasesPage({ profile, refreshKey, refresh, headingRef }) {
  const [showClosed, setShowClosed] = useState(false);
  const [state, reload] = useResource(() => api.get(`/api/cases${showClosed ? "" : "?status=open"}`), [refreshKey, showClosed]);
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Recovery</h1>
    <p class="muted">After a missed meeting: call, propose a new time, send what you promised, protect a buffer, and say thank you.</p>
    <label class="inline-check"><input type="checkbox" checked=${showClosed} onChange=${(e) => setShowClosed(e.currentTarget.checked)} /> Show closed cases</label>
    ${state.status === "loading" && html`<${Loading} what="recovery cases" />`}
    ${state.error && html`<${Problem} error=${state.error} retry=${reload} />`}
    ${state.data && (state.data.cases.length === 0
      ? html`<${Empty} title="No open recovery cases.">When you confirm that you missed a meeting, its recovery plan appears here.</${Empty}>`
      : state.data.cases.map((c) => html`<${Case} key=${c.id} recovery=${c} zone=${profile.timeZone} sandbox=${profile.sandbox} onChanged=${refresh} />`))}
    ${profile.sandbox && html`<${SandboxPanel} zone=${profile.timeZone} onChanged=${refresh} />`}
  `;
}

function Case({ recovery, zone, sandbox, onChanged }) {
  const next = recovery.tasks.find((t) => t.status === "due");
  const titleId = "case-" + recovery.id;
  return html`<article class="card case" aria-labelledby=${titleId}>
    <h2 id=${titleId}>${recovery.meeting.title}</h2>
    <p class="muted">Missed ${dateTime(recovery.meeting.start, zone)} · with ${recovery.attendees.map((a) => a.name ?? a.email).join(", ") || "no one else"}${recovery.status === "closed" ? " · closed" : ""}</p>
    ${next && html`<p class="next-step"><strong>Next: ${STEP_LABELS[next.kind]}</strong> (${next.reason})</p>`}
    <ol class="steps">
      ${recovery.tasks.map((task) => html`<li key=${task.kind} class=${"step step-" + task.status}>
        <div class="step-head">
          <span class="badge step-badge-${task.status}"><span aria-hidden="true">${STATUS[task.status].symbol}</span> ${STATUS[task.status].label}</span>
          <h3>${STEP_LABELS[task.kind]}</h3>
        </div>
        <p class="muted step-reason">${task.reason}</p>
        ${task.problem && html`<p class="action-error">Makegood could not do its part: ${task.problem}</p>`}
        <${StepDetail} kind=${task.kind} recovery=${recovery} zone=${zone} sandbox=${sandbox} onChanged=${onChanged} />
        ${USER_DONE.has(task.kind) && task.status !== "done" && !task.markedDoneAt && html`<${MarkDone} recovery=${recovery} kind=${task.kind} onChanged=${onChanged} />`}
      </li>`)}
    </ol>
  </article>`;
}

function StepDetail({ kind, recovery, zone, sandbox, onChanged }) {
  if (kind === "call_reminder") return html`<${Call} recovery=${recovery} onChanged=${onChanged} />`;
  if (kind === "reschedule_proposal") {
    const proposalDone = recovery.tasks.some((task) => task.kind === kind && task.status === "done");
    return html`<div class="step-body">
      ${recovery.proposal.slots.length > 0 && html`<p>Times offered:</p><ul>${recovery.proposal.slots.map((slot) => html`<li key=${slot.start}>${slot.text}</li>`)}</ul>`}
      ${recovery.proposal.draftId
        ? html`<p><a href=${"#/drafts?id=" + recovery.proposal.draftId}>${proposalDone || recovery.proposalStatus !== "pending" ? "Read the proposal" : "Read, edit and approve the proposal"}</a></p>`
        : html`<p class="muted">The proposal is being drafted from your free time.</p>`}
      ${recovery.rescheduled && html`<p>New meeting: <strong>${recovery.rescheduled.title}</strong>, ${day(recovery.rescheduled.start, zone)} ${timeRange(recovery.rescheduled.start, recovery.rescheduled.end, zone)}${recovery.rescheduled.cancelled ? " (cancelled)" : ""}</p>`}
    </div>`;
  }
  if (kind === "gift_prompt") return html`<${Gift} recovery=${recovery} onChanged=${onChanged} />`;
  if (kind === "materials") return html`<${Materials} recovery=${recovery} onChanged=${onChanged} />`;
  if (kind === "buffer_block") {
    const buffer = recovery.buffer;
    if (!buffer) return recovery.rescheduled || recovery.status === "closed" ? null : html`<${LinkMeeting} recovery=${recovery} zone=${zone} onChanged=${onChanged} />`;
    return html`<div class="step-body">
      <p>Buffer on your calendar: ${day(buffer.start, zone)} ${timeRange(buffer.start, buffer.end, zone)}.</p>
      ${buffer.conflicts.length > 0 && html`<p class="action-error">Booked inside the buffer: ${buffer.conflicts.map((c) => `${c.title} (${timeRange(c.start, c.end, zone)})`).join(", ")}. Move it to keep the time free.</p>`}
    </div>`;
  }
  if (kind === "thank_you") {
    return html`<div class="step-body">
      ${recovery.thankYou.draftId && html`<p><a href=${"#/drafts?id=" + recovery.thankYou.draftId}>${recovery.thankYou.draftStatus === "pending" ? "Read and approve the thank-you email" : "Read the thank-you email"}</a></p>`}
      ${sandbox && recovery.rescheduled && !recovery.thankYou.draftId && html`<p class="sandbox-hint"><span class="sandbox-tag">Sandbox</span> No real meeting will take place: press <strong>Simulate: the client's rescheduled meeting took place</strong> at the end of this page.</p>`}
      <p>${recovery.thankYou.handwrittenNote}</p>
    </div>`;
  }
  return null;
}

function Call({ recovery, onChanged }) {
  const [phone, setPhone] = useState("");
  const [state, run] = useAction(onChanged);
  const call = recovery.call;
  const inputId = "phone-" + recovery.id;
  return html`<div class="step-body">
    ${call.phone
      ? html`<p><a class="button" href=${call.phone.telUri}>Call ${call.phone.display}</a></p>`
      : html`<form class="inline-form" onSubmit=${(e) => { e.preventDefault(); run(() => api.post(`/api/cases/${recovery.id}/phone`, { phone }), "Number saved."); }}>
          <label for=${inputId}>No number found. Their phone number:</label>
          <input id=${inputId} type="tel" autocomplete="off" placeholder="+1 415 555 0100" value=${phone} onInput=${(e) => setPhone(e.currentTarget.value)} />
          <button type="submit" disabled=${state.busy}>Save number</button>
          <${ActionStatus} state=${state} />
        </form>`}
    <p class="script-label">What to say:</p>
    <ol class="script">${call.script.map((line, index) => html`<li key=${index}>${line}</li>`)}</ol>
  </div>`;
}

function Gift({ recovery, onChanged }) {
  const [likes, setLikes] = useState(recovery.gift.likes ?? "");
  const [note, setNote] = useState(recovery.gift.note ?? "");
  const [state, run] = useAction(onChanged);
  return html`<div class="step-body">
    <p><strong>${recovery.gift.title}</strong> ${recovery.gift.body}</p>
    ${recovery.gift.ideas.length > 0 && html`<p class="muted">Ideas: ${recovery.gift.ideas.join(", ")}</p>`}
    <form class="stacked-form" onSubmit=${(e) => { e.preventDefault(); run(() => api.put(`/api/cases/${recovery.id}/notes`, { likes: likes || null, giftNote: note || null }), "Notes saved."); }}>
      <label for=${"likes-" + recovery.id}>What they like (hobbies, travel…)</label>
      <input id=${"likes-" + recovery.id} type="text" maxlength="500" value=${likes} onInput=${(e) => setLikes(e.currentTarget.value)} />
      <label for=${"gift-" + recovery.id}>Gift note</label>
      <textarea id=${"gift-" + recovery.id} rows="2" maxlength="2000" value=${note} onInput=${(e) => setNote(e.currentTarget.value)}></textarea>
      <div><button type="submit" disabled=${state.busy}>Save notes</button></div>
      <${ActionStatus} state=${state} />
    </form>
  </div>`;
}

const MATERIALS_NOTE = "Links only: Makegood can't attach files to the emails it sends. Share a file as a link (Drive, OneDrive, Dropbox) and paste it here.";

/** Valid enough to send: what the server accepts too (http/https with a domain). */
function checkUrl(raw) {
  const text = raw.trim();
  if (text === "") return "Paste the link to send, starting with https://";
  try {
    const url = new URL(text);
    if (url.protocol !== "https:" && url.protocol !== "http:") return "Only web links (https://…) can be sent";
    if (!url.hostname.includes(".")) return "That address has no domain (e.g. docs.example.com)";
  } catch {
    return "Paste the full address, starting with https://";
  }
  return null;
}

/**
 * The materials step: a reminder until the user adds a link; then the cover note drafted from
 * exactly those links, approved in Drafts once the proposal has gone out.
 */
function Materials({ recovery, onChanged }) {
  const [url, setUrl] = useState("");
  const [label, setLabel] = useState("");
  const [invalid, setInvalid] = useState(null);
  const [state, run] = useAction(onChanged);
  const [note] = useResource(() => (recovery.materials.draftId ? api.get(`/api/drafts/${recovery.materials.draftId}`) : Promise.resolve(null)), [recovery.materials.draftId, recovery.materials.links.length, recovery.materials.links.map((l) => l.url + l.label).join()]);
  const links = recovery.materials.links;
  const locked = recovery.materials.draftStatus === "approved" || recovery.materials.draftStatus === "sent";
  const save = (next, message) => run(() => api.put(`/api/cases/${recovery.id}/materials`, { links: next }), message);
  const add = (event) => {
    event.preventDefault();
    const problem = checkUrl(url);
    setInvalid(problem);
    if (problem) return;
    save([...links, { url: url.trim(), label: label.trim() || null }], links.length === 0 ? "Link added: the cover note is drafted." : "Link added: the cover note now names it.").then((result) => {
      if (result) { setUrl(""); setLabel(""); }
    });
  };
  const urlId = "materials-url-" + recovery.id;
  const labelId = "materials-label-" + recovery.id;
  const draft = note.data;
  return html`<div class="step-body materials">
    ${links.length > 0 && html`<ul class="materials-links">${links.map((link, index) => html`<li key=${link.url + index}>
      ${link.label ? html`<strong>${link.label}</strong>: ` : ""}<a href=${link.url} target="_blank" rel="noopener noreferrer">${link.url}</a>
      ${!locked && html` <button type="button" class="link-button" disabled=${state.busy} aria-label=${"Remove " + (link.label || link.url)} onClick=${() => save(links.filter((_, i) => i !== index), "Link removed.")}>Remove</button>`}
    </li>`)}</ul>`}
    ${draft && html`<div class="materials-note">
      <p><strong>Cover note${draft.status === "sent" ? " (sent)" : draft.status === "pending" ? " (drafted)" : ""}:</strong> ${draft.subject}</p>
      <pre class="draft-preview">${draft.body}</pre>
      <p>${recovery.materials.waitsForProposal && draft.status === "pending"
        ? html`It can be approved once <a href=${"#/drafts?id=" + (recovery.proposal.draftId ?? "")}>your proposal</a> has been sent, so the two don't cross.`
        : html`<a href=${"#/drafts?id=" + draft.id}>${draft.status === "pending" ? "Edit and approve it in Drafts" : "Read it in Drafts"}</a>`}</p>
    </div>`}
    ${!locked && recovery.status === "open" && links.length < 5 && html`<form class="stacked-form materials-form" noValidate onSubmit=${add}>
      <label for=${urlId}>${links.length === 0 ? "Link to send (the deck, notes…)" : "Another link to send"}</label>
      <input id=${urlId} type="url" inputmode="url" autocomplete="off" placeholder="https://docs.example.com/deck" value=${url} aria-invalid=${invalid ? "true" : "false"} onInput=${(e) => { setUrl(e.currentTarget.value); setInvalid(null); }} />
      ${invalid && html`<p class="field-error">${invalid}</p>`}
      <label for=${labelId}>What it is (optional)</label>
      <input id=${labelId} type="text" maxlength="80" placeholder="Q3 pricing deck" value=${label} onInput=${(e) => setLabel(e.currentTarget.value)} />
      <div><button type="submit" class="secondary" disabled=${state.busy}>Add link</button></div>
      <p class="muted">${MATERIALS_NOTE}</p>
    </form>`}
    <${ActionStatus} state=${state} />
  </div>`;
}

function MarkDone({ recovery, kind, onChanged }) {
  const [state, run] = useAction(onChanged);
  return html`<div class="actions">
    <button type="button" class="secondary" disabled=${state.busy} onClick=${() => run(() => api.post(`/api/cases/${recovery.id}/steps/${kind}/done`), "Marked done.")}>Mark "${STEP_LABELS[kind]}" done</button>
    <${ActionStatus} state=${state} />
  </div>`;
}

/** When the new meeting was booked in a way Makegood did not recognise, the user points at it. */
function LinkMeeting({ recovery, zone, onChanged }) {
  const [choice, setChoice] = useState("");
  const [state, run] = useAction(onChanged);
  const [meetings] = useResource(() => api.get(`/api/meetings?from=${encodeURIComponent(recovery.openedAt)}&watched=true`), [recovery.id]);
  const candidates = (meetings.data?.meetings ?? []).filter((m) => m.id !== recovery.meetingId && !m.cancelled);
  if (candidates.length === 0) return null;
  const selectId = "link-" + recovery.id;
  return html`<form class="inline-form" onSubmit=${(e) => { e.preventDefault(); if (choice) run(() => api.post(`/api/cases/${recovery.id}/link`, { meetingId: choice }), "Linked: the buffer will be placed before it."); }}>
    <label for=${selectId}>Already booked the new meeting? Pick it:</label>
    <select id=${selectId} value=${choice} onChange=${(e) => setChoice(e.currentTarget.value)}>
      <option value="">Choose a meeting…</option>
      ${candidates.map((m) => html`<option key=${m.id} value=${m.id}>${day(m.start, zone)} ${timeRange(m.start, m.end, zone)} · ${m.title}</option>`)}
    </select>
    <button type="submit" class="secondary" disabled=${state.busy || !choice}>Link it</button>
    <${ActionStatus} state=${state} />
  </form>`;
}
