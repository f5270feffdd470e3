// Small pieces every page uses: loading, empty and error states, state badges, data hooks.
import { h } from "preact";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import htm from "htm";

export const html = htm.bind(h);

/** Detection states: colour AND a symbol AND words, so colour is never the only signal. */
export const STATES = {
  upcoming: { label: "Upcoming", symbol: "◷" },
  in_progress: { label: "In progress", symbol: "▶" },
  late: { label: "Running late", symbol: "⚠" },
  attended: { label: "Attended", symbol: "✓" },
  suspected_missed: { label: "Missed? Please confirm", symbol: "?" },
  missed: { label: "Missed", symbol: "✗" },
  excused: { label: "Excused", symbol: "–" },
  unwatched: { label: "Not watched", symbol: "·" },
};

/** Words that fit what we know: a meeting we could not see is asked about, not suspected. */
const CHECK_IN_STATES = {
  suspected_missed: { label: "Were you there?", symbol: "?", className: "ask" },
};

export function StateBadge({ state, meeting }) {
  const key = state ?? "unwatched";
  let info = STATES[key];
  if (meeting && meeting.evidenceSource === "check_in" && CHECK_IN_STATES[key]) info = CHECK_IN_STATES[key];
  const checkedIn = meeting && meeting.checkedInAt && (key === "upcoming" || key === "in_progress");
  if (checkedIn) info = { label: "Checked in", symbol: "✓" };
  return html`<span class=${"badge state-" + (checkedIn ? "attended" : info.className ?? key)}><span aria-hidden="true">${info.symbol}</span> ${info.label}</span>`;
}

export const Loading = ({ what }) => html`<p class="loading" role="status">Loading ${what}…</p>`;

export const Empty = ({ title, children }) => html`<div class="empty"><p class="empty-title">${title}</p>${children}</div>`;

export function Problem({ error, retry }) {
  const message = error?.message ?? String(error);
  return html`<div class="problem" role="alert">
    <p><strong>Something went wrong.</strong> ${message}</p>
    ${retry && html`<button type="button" onClick=${retry}>Try again</button>`}
  </div>`;
}

/**
 * Loads `load()` and reloads when `deps` change; keeps showing the last data while reloading,
 * so live updates do not flash.
 */
export function useResource(load, deps) {
  const [state, setState] = useState({ status: "loading", data: undefined, error: undefined });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    load().then(
      (data) => mine === generation.current && setState({ status: "ready", data, error: undefined }),
      (error) => mine === generation.current && setState((previous) => ({ status: "error", data: previous.data, error })),
    );
  }, deps);
  useEffect(run, [run]);
  return [state, run];
}

/**
 * The outcome of the last action, shown and read out in one place that outlives the list item
 * the action came from (an answered alert leaves the feed).
 */
const listeners = new Set();
export function announce(text) {
  for (const listener of listeners) listener(text);
}

export function Announcer() {
  const [text, setText] = useState("");
  useEffect(() => {
    let timer;
    const show = (next) => {
      setText(next);
      clearTimeout(timer);
      timer = setTimeout(() => setText(""), 6000);
    };
    // A message belongs to the page it was said on: leaving the page clears it.
    const clear = () => {
      clearTimeout(timer);
      setText("");
    };
    listeners.add(show);
    addEventListener("hashchange", clear);
    return () => {
      listeners.delete(show);
      removeEventListener("hashchange", clear);
      clearTimeout(timer);
    };
  }, []);
  const box = useRef(null);
  const [place, setPlace] = useState("bottom");
  // Never over a control: the bottom of the screen if nothing to press is there, else the top,
  // else read out only (the card that was answered already shows what was done).
  useLayoutEffect(() => {
    if (!text || !box.current) return undefined;
    const element = box.current;
    const choose = () => {
      for (const where of ["bottom", "top"]) {
        element.dataset.place = where;
        if (!coversAControl(element)) return setPlace(where);
      }
      element.dataset.place = "hidden";
      setPlace("hidden");
    };
    choose();
    // The page moves under it too (a card collapses, data arrives): look again while it shows.
    const timer = setInterval(choose, 200);
    addEventListener("scroll", choose, { passive: true });
    addEventListener("resize", choose);
    return () => {
      clearInterval(timer);
      removeEventListener("scroll", choose);
      removeEventListener("resize", choose);
    };
  }, [text]);
  return html`<div class="toast" role="status" aria-live="polite" data-place=${place} ref=${box}>${text && html`<p>${text}</p>`}</div>`;
}

const CONTROLS = "button, a.button, input, select, textarea, summary, nav a";

/** Whether the toast's message box, where it is now, lies over anything one can press or type in. */
function coversAControl(toast) {
  const message = toast.firstElementChild;
  if (!message) return false;
  const a = message.getBoundingClientRect();
  for (const control of document.querySelectorAll(CONTROLS)) {
    const b = control.getBoundingClientRect();
    if (b.width === 0 || b.height === 0) continue;
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) return true;
  }
  return false;
}

/**
 * Runs an action (a POST) and remembers whether it is busy and how it ended, for a button and
 * the message next to it.
 */
export function useAction(onDone) {
  const [state, setState] = useState({ busy: false, error: undefined, message: undefined });
  const run = useCallback(
    async (action, successMessage) => {
      setState({ busy: true, error: undefined, message: undefined });
      try {
        const result = await action();
        const message = typeof successMessage === "function" ? successMessage(result) : successMessage;
        setState({ busy: false, error: undefined, message });
        if (message) announce(message);
        onDone?.(result);
        return result;
      } catch (error) {
        setState({ busy: false, error, message: undefined });
        // What was pressed is gone (started over elsewhere, removed from the calendar): say so
        // where it outlives the card, and load the page again so the stale card leaves.
        if (error.status === 404) {
          announce(error.message);
          onDone?.(undefined);
        }
        return undefined;
      }
    },
    [onDone],
  );
  return [state, run];
}

/** An action's error next to its control (read out at once), or a quiet note of its success. */
export function ActionStatus({ state }) {
  if (state.error) return html`<p class="action-error" role="alert">${state.error.message}</p>`;
  // Successes are announced by the Announcer; a quiet copy stays next to the control.
  return state.message ? html`<p class="action-status">${state.message}</p>` : null;
}

export function Section({ title, id, children, actions }) {
  return html`<section class="card" aria-labelledby=${id}>
    <div class="card-head"><h2 id=${id}>${title}</h2>${actions}</div>
    ${children}
  </section>`;
}
