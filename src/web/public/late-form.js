// "Tell them I'm N minutes late": shows what they will read (the arrival time, with the margin
// added on top of the typed minutes) before anything is drafted or sent. The wording comes
// from the server's preview, so the page never words the notice itself.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api.js";
import { html } from "./ui.js";

const MAX_MINUTES = 240;
const RANGE_MESSAGE = `Type how many minutes late, from 1 to ${MAX_MINUTES}.`;
/** Wait for the typing to pause before asking for a preview. */
const PREVIEW_DELAY_MS = 250;

/** The typed minutes, or the plain message saying what is allowed. */
export function checkMinutes(raw) {
  const text = String(raw ?? "").trim();
  if (text === "") return { error: RANGE_MESSAGE };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: RANGE_MESSAGE };
  if (!Number.isInteger(value)) return { error: "Type whole minutes, e.g. 10." };
  if (value < 1 || value > MAX_MINUTES) return { error: RANGE_MESSAGE };
  return { value };
}

export function LateForm({ alert, meetingId, run, busy }) {
  const [minutes, setMinutes] = useState("10");
  const [preview, setPreview] = useState({ status: "loading" });
  const [refresh, setRefresh] = useState(0);
  const asked = useRef(0);
  const inputRef = useRef(null);
  const inputId = `answer-${alert.id}-minutes`;
  const messageId = `${inputId}-preview`;
  const checked = checkMinutes(minutes);

  useEffect(() => {
    if (checked.error) {
      setPreview({ status: "invalid" });
      return undefined;
    }
    const mine = ++asked.current;
    setPreview((previous) => ({ ...previous, status: "loading" }));
    const timer = setTimeout(() => {
      api.get(`/api/meetings/${meetingId}/running-late/preview?minutes=${checked.value}`).then(
        (data) => mine === asked.current && setPreview({ status: "ready", data }),
        (error) => mine === asked.current && setPreview({ status: "error", error }),
      );
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [meetingId, minutes, refresh]);

  const submit = (event) => {
    event.preventDefault();
    if (checked.error) {
      setPreview({ status: "invalid", shown: true });
      inputRef.current?.focus();
      return;
    }
    const shown = preview.status === "ready" ? { arriveBy: preview.data.arriveBy, fits: preview.data.fits } : {};
    run(async () => {
      try {
        return await api.post(`/api/meetings/${meetingId}/running-late`, { minutes: checked.value, ...shown });
      } catch (error) {
        // The minute turned since the preview: show the new promise before anything is sent.
        if (error.code === "late_notice_moved") setRefresh((n) => n + 1);
        throw error;
      }
    }, (draft) => (draft.status === "pending" ? "Late notice drafted: approve it in Drafts." : "Late notice approved and on its way."));
  };
  const data = preview.status === "ready" ? preview.data : null;
  const tooLate = data && !data.fits;
  return html`<form class="late-form" noValidate onSubmit=${submit}>
    <div class="late-form-row">
      <label for=${inputId}>Tell them I'm</label>
      <input ref=${inputRef} type="number" id=${inputId} inputmode="numeric" min="1" max=${MAX_MINUTES} step="1" value=${minutes} aria-describedby=${messageId} aria-invalid=${checked.error ? "true" : "false"} onInput=${(e) => setMinutes(e.currentTarget.value)} />
      <span>minutes late</span>
      <button type="submit" disabled=${busy || preview.status === "loading" || preview.status === "error"}>${tooLate ? "Tell them I can't make it" : "Tell them"}</button>
    </div>
    <div class="late-preview" id=${messageId} aria-live="polite">
      ${checked.error && html`<p class="field-error">${checked.error}</p>`}
      ${preview.status === "error" && html`<p class="field-error">${preview.error.message}</p>`}
      ${data && data.fits && html`<p>They'll read: <q class="late-sentence">${data.sentence}</q> <span class="muted">(${data.minutes} min ${data.countedFrom === "now" ? "from now" : "after the start"} + ${data.marginMinutes} min margin)</span></p>`}
      ${tooLate && html`<p>${data.minutes} minutes late would bring you in after the meeting ends (${data.meetingEndText}). So no arrival time: they'll read that you can't make it, with other times to meet.</p>
        <details><summary>Read the message</summary><pre class="late-body">${data.body}</pre></details>`}
    </div>
  </form>`;
}
