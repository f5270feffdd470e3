// The sandbox's stand-in for the world outside: buttons that do what the other people would do.
import { useRef, useState } from "preact/hooks";
import { api } from "./api.js";
import { timeRange } from "./format.js";
import { ActionStatus, announce, html, useAction } from "./ui.js";

/** On every page of the sandbox, after every reload: what this is, and where its emails go. */
export function SandboxBanner() {
  return html`<p class="sandbox-banner" role="note">
    <span class="sandbox-tag">Sandbox</span>
    <span>Sample meetings placed around now. Nothing goes to anyone else: emails land in the <a href="#/outbox">Outbox</a>, and notifications reach only devices you turn them on for.</span>
  </p>`;
}

/** Shown only to the sandbox user (profile.sandbox); every button here is a simulation, and says so. */
export function SandboxPanel({ zone, onChanged }) {
  return html`<section class="card sandbox-panel" aria-labelledby="sandbox-panel-title">
    <h2 id="sandbox-panel-title"><span class="sandbox-tag">Sandbox</span> Simulate the world outside</h2>
    <p>There is no real client here: these buttons do what the client would do in real life. They exist only in the sandbox.</p>
    <${SimulateHeld} zone=${zone} onChanged=${onChanged} />
    <${StartOver} onChanged=${onChanged} />
  </section>`;
}

function SimulateHeld({ zone, onChanged }) {
  const [state, run] = useAction(onChanged);
  const hintId = "simulate-held-hint";
  const simulate = () =>
    run(
      () => api.post("/api/sandbox/simulate/rescheduled-meeting-held"),
      (held) => `Simulated: "${held.title}" took place (${timeRange(held.start, held.end, zone)}) and you joined its call. Makegood marks it attended and drafts a thank-you in Drafts within a few seconds.`,
    );
  return html`<div class="sandbox-action">
    <div class="actions">
      <button type="button" aria-describedby=${hintId} disabled=${state.busy} onClick=${simulate}>Simulate: the client's rescheduled meeting took place</button>
    </div>
    <p class="small" id=${hintId}>After the client has accepted a new time: that meeting moves into the past, with you in its call. Makegood drafts a thank-you five minutes after a meeting ends (call records lag), so the simulated one ended just over five minutes ago.</p>
    <${ActionStatus} state=${state} />
  </div>`;
}

function StartOver({ onChanged }) {
  const [asking, setAsking] = useState(false);
  const [state, run] = useAction(onChanged);
  const startButton = useRef(null);
  const confirmButton = useRef(null);
  const ask = () => {
    setAsking(true);
    // Keyboard and screen-reader users land on the question's answer, not somewhere above it.
    queueMicrotask(() => confirmButton.current?.focus());
  };
  const cancel = () => {
    setAsking(false);
    queueMicrotask(() => startButton.current?.focus());
  };
  const startOver = async () => {
    const done = await run(() => api.post("/auth/sandbox/reset"));
    if (done) {
      setAsking(false);
      // Toasts clear when the page changes: this one is about the page it leads to, so it is said there.
      if (location.hash !== "#/") {
        const arrived = new Promise((resolve) => addEventListener("hashchange", resolve, { once: true }));
        location.hash = "#/";
        await arrived;
      }
      announce(`Started over: ${done.seeded} fresh sample meetings, placed around the current time.`);
    }
  };
  return html`<div class="sandbox-action">
    ${asking
      ? html`<div class="confirm" role="group" aria-labelledby="start-over-question">
          <p id="start-over-question"><strong>Start the sandbox over?</strong> Its meetings, recovery cases, drafts, alerts and outbox are removed and fresh sample meetings take their place. Your settings stay.</p>
          <div class="actions">
            <button type="button" ref=${confirmButton} disabled=${state.busy} onClick=${startOver}>Yes, start over</button>
            <button type="button" class="secondary" disabled=${state.busy} onClick=${cancel}>Cancel</button>
          </div>
        </div>`
      : html`<div class="actions"><button type="button" class="secondary" ref=${startButton} onClick=${ask}>Start the sandbox over</button></div>`}
    <${ActionStatus} state=${state} />
  </div>`;
}
