// The alerts feed's live half: server-sent events from /api/alerts/stream.
import { useEffect, useRef, useState } from "preact/hooks";

/**
 * Calls `onAlert(alert)` for each alert the server announces (new, or answered, resolved,
 * withdrawn: the alert carries its status); `onReset()` when everything changed at once (the
 * sandbox started over). EventSource reconnects by itself, and `onReconnect()` lets the caller
 * reload what it may have missed meanwhile. Returns "connecting" | "live" | "reconnecting".
 */
export function useLiveAlerts(enabled, onAlert, onReconnect, onReset) {
  const [status, setStatus] = useState("connecting");
  const handlers = useRef({ onAlert, onReconnect, onReset });
  handlers.current = { onAlert, onReconnect, onReset };

  useEffect(() => {
    if (!enabled) return undefined;
    const source = new EventSource("/api/alerts/stream");
    let dropped = false;
    source.addEventListener("open", () => {
      setStatus("live");
      if (dropped) handlers.current.onReconnect?.();
      dropped = false;
    });
    source.addEventListener("error", () => {
      dropped = true;
      setStatus("reconnecting");
    });
    source.addEventListener("alert", (event) => {
      try {
        handlers.current.onAlert(JSON.parse(event.data));
      } catch {
        // A malformed event carries nothing we can show; the next reload has the alert.
      }
    });
    source.addEventListener("reset", () => handlers.current.onReset?.());
    return () => source.close();
  }, [enabled]);

  return status;
}
