// "Tell them I'm N minutes late": drafts the late notice (or sends it, when the user allowed that).
import { useState } from "preact/hooks";
import { api } from "./api.js";
import { html } from "./ui.js";

export function LateForm({ alert, meetingId, run, busy }) {
  const [minutes, setMinutes] = useState(10);
  return html`<form class="late-form" onSubmit=${(event) => {
    event.preventDefault();
    run(() => api.post(`/api/meetings/${meetingId}/running-late`, { minutes: Number(minutes) }), (draft) => (draft.status === "pending" ? "Late notice drafted: approve it in Drafts." : "Late notice approved and on its way."));
  }}>
    <label>Tell them I'm <input type="number" id=${`answer-${alert.id}-minutes`} inputmode="numeric" min="1" max="240" value=${minutes} onInput=${(e) => setMinutes(e.currentTarget.value)} /> minutes late</label>
    <button type="submit" disabled=${busy}>Tell them</button>
  </form>`;
}
