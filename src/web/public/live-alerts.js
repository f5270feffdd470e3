// The alerts feed's live half: server-sent events from /api/alerts/stream.
import { useEffect, useRef, useState } from "preact/hooks";

/**
 * Calls `onAlert(alert)` for each alert the server announces; EventSource reconnects by itself,
 * and `onReconnect()` lets the caller reload what it may have missed meanwhile.
 * Returns "connecting" | "live" | "reconnecting".
 */
export function useLiveAlerts(enabled, onAlert, onReconnect) {
  const [status, setStatus] = useState("connecting");
  const handlers = useRef({ onAlert, onReconnect });
  handlers.current = { onAlert, onReconnect };

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
    return () => source.close();
  }, [enabled]);

  return status;
}
