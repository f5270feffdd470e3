// Web Push on this device (issue 15): turn notifications on or off here, send a test, and see
// (and remove) every device that gets them. Alerts then arrive on the lock screen with their
// answers as buttons (the service worker, /sw.js, shows them and answers).
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";
import { html } from "./ui.js";

const supported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window && window.isSecureContext;
const isIos = () => /iPhone|iPad|iPod/.test(navigator.userAgent);
const standalone = () => window.matchMedia?.("(display-mode: standalone)").matches || navigator.standalone === true;

async function currentSubscription() {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

export function PushDevice({ onDevices } = {}) {
  const [devices, setDevices] = useState(null);
  const [here, setHere] = useState(null);
  const [serverKey, setServerKey] = useState(undefined);
  const [status, setStatus] = useState({ busy: false, message: "", problem: false });

  const load = async () => {
    const [{ publicKey }, { devices: list }] = await Promise.all([api.get("/api/push/key"), api.get("/api/push/subscriptions")]);
    setServerKey(publicKey);
    setDevices(list);
    onDevices?.(list.length);
    if (supported()) {
      const subscription = await Promise.race([currentSubscription(), new Promise((resolve) => setTimeout(() => resolve(null), 3000))]).catch(() => null);
      // A subscription this browser holds is (re)registered: the server may have dropped it
      // (410 from the push service, removed from another device), and keys can change.
      if (subscription && Notification.permission === "granted") await api.post("/api/push/subscriptions", subscription.toJSON()).catch(() => {});
      setHere(subscription ? subscription.endpoint : null);
    }
  };
  useEffect(() => {
    load().catch((error) => setStatus({ busy: false, message: error.message, problem: true }));
  }, []);

  const run = async (work, done) => {
    setStatus({ busy: true, message: "", problem: false });
    try {
      const message = await work();
      await load();
      setStatus({ busy: false, message: message ?? done, problem: false });
    } catch (error) {
      setStatus({ busy: false, message: error.message, problem: true });
    }
  };

  const turnOn = () =>
    run(async () => {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") throw new Error("Notifications are blocked for this site: allow them in the browser's site settings, then try again.");
      const registration = await navigator.serviceWorker.ready;
      const subscription = (await registration.pushManager.getSubscription()) ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey }));
      await api.post("/api/push/subscriptions", subscription.toJSON());
    }, "Notifications are on for this device.");

  const turnOff = () =>
    run(async () => {
      const subscription = await currentSubscription();
      if (subscription) {
        await api.del("/api/push/subscriptions", { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
    }, "Notifications are off for this device.");

  const remove = (device) => run(() => api.del("/api/push/subscriptions", { id: device.id }), `${device.label} no longer gets notifications.`);

  const test = () =>
    run(async () => {
      const { results } = await api.post("/api/push/test", {});
      return results.map((result) => `${result.label}: ${result.message}`).join(" · ");
    });

  if (serverKey === null) return html`<p class="hint">Notifications are off on this server: it has no VAPID key (see README, Web Push).</p>`;
  const subscribedHere = here !== null;
  return html`<div class="push-device">
    ${!supported() &&
    html`<p class="hint">${isIos() && !standalone() ? "On iPhone and iPad, notifications work from the home screen: tap Share, then Add to Home Screen, and open Makegood from there." : "This browser can't show notifications from Makegood."}</p>`}
    <div class="button-row">
      ${supported() && !subscribedHere && html`<button type="button" disabled=${status.busy || serverKey === undefined} onClick=${turnOn}>Turn on notifications on this device</button>`}
      ${supported() && subscribedHere && html`<button type="button" class="secondary" disabled=${status.busy} onClick=${turnOff}>Turn off on this device</button>`}
      <button type="button" class="secondary" disabled=${status.busy || !devices || devices.length === 0} onClick=${test}>Send a test notification</button>
    </div>
    <p class=${status.problem ? "field-error" : "action-status"} role="status" aria-live="polite">${status.message}</p>
    ${devices &&
    (devices.length === 0
      ? html`<p class="hint">No device gets notifications yet.</p>`
      : html`<ul class="devices" aria-label="Devices that get notifications">
          ${devices.map(
            (device) => html`<li>
              <span class="device-name">${device.label}</span>
              <span class="hint">via ${device.host}${device.lastSentAt ? "" : " · nothing sent yet"}</span>
              <button type="button" class="link" disabled=${status.busy} onClick=${() => remove(device)} aria-label=${"Remove " + device.label}>Remove</button>
            </li>`,
          )}
        </ul>`)}
  </div>`;
}
