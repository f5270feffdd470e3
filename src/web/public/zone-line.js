// The zone every time on the page is in, said once; and, when this browser is somewhere else,
// one gentle offer to switch (never a switch on its own: a user travelling keeps their zone).
import { useState } from "preact/hooks";
import { api } from "./api.js";
import { zoneName } from "./format.js";
import { announce, html } from "./ui.js";

/** The browser's IANA zone, or "" when it does not say. */
export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
}

/** "Asia/Tokyo (GMT+9)", or "UTC" where the label is the name. */
export function zoneWithLabel(zone) {
  const label = zoneName(zone);
  return label === zone ? zone : `${zone} (${label})`;
}

const dismissedKey = (settingsZone, here) => `makegood.zone-offer:${settingsZone}:${here}`;

function wasDismissed(key) {
  try {
    return localStorage.getItem(key) === "kept";
  } catch {
    return false;
  }
}

/** Shown when the browser's zone differs from the settings' zone, until switched or kept. */
export function ZoneOffer({ zone, sandbox, onChanged }) {
  const here = browserZone();
  const key = dismissedKey(zone, here);
  const [hidden, setHidden] = useState(() => wasDismissed(key));
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  if (!here || here === zone || hidden) return null;
  // Two names for one zone (Asia/Calcutta, Asia/Kolkata) are not a difference worth a question.
  if (zoneName(here) === zoneName(zone) && new Date().toLocaleString("en-US", { timeZone: here }) === new Date().toLocaleString("en-US", { timeZone: zone })) return null;
  const keep = () => {
    try {
      localStorage.setItem(key, "kept");
    } catch {
      // Private windows may refuse storage: the offer then only hides for this page.
    }
    setHidden(true);
  };
  const use = async () => {
    setBusy(true);
    setProblem("");
    try {
      await api.put("/api/settings", { timeZone: here });
      // Meetings keep their instants when the zone changes, as a real calendar's do; in the
      // sandbox, starting over places the samples in the new zone's working hours.
      announce(sandbox ? `Times are now shown in ${here}. The sample meetings stay where they are; "Start the sandbox over" (Recovery page) places them in your working hours there.` : `Times are now shown in ${here}.`);
      onChanged();
    } catch (error) {
      setProblem(`Could not change the zone: ${error.message}`);
    } finally {
      setBusy(false);
    }
  };
  return html`<p class="zone-offer" role="status">
    <span>This browser is in ${zoneWithLabel(here)}; times are shown in ${zoneWithLabel(zone)}.</span>
    <span class="zone-offer-actions">
      <button type="button" class="link-button" disabled=${busy} onClick=${use}>Show times in ${here}</button>
      <button type="button" class="link-button" disabled=${busy} onClick=${keep}>Keep ${zone}</button>
    </span>
    ${problem && html`<span class="action-error">${problem}</span>`}
  </p>`;
}

/** The zone the page's times are in, said once at its top (Today says it in its timeline's header). */
export function ZoneNote({ zone }) {
  return html`<p class="page-zone muted">Times in ${zoneWithLabel(zone)} · <a href="#/settings">change</a></p>`;
}
