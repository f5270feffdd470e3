/** Outgoing HTTP calls the providers make to the subscriber: push notifications and validation handshakes. */
export interface WebhookResult {
  status: number;
  contentType: string;
  body: string;
}

export interface WebhookDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number | undefined;
  error: string | undefined;
  time: number;
}

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  /** Sends without making the triggering API request wait, as the providers do. */
  postInBackground(url: string, headers: Record<string, string>, body: string, timeoutMs: number): void {
    const sending = this.post(url, headers, body, timeoutMs);
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  /** Resolves once every background delivery started so far has finished. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebhookResult | undefined> {
    const delivery: WebhookDelivery = { url, headers, body, status: undefined, error: undefined, time: Date.now() };
    this.deliveries.push(delivery);
    try {
      const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
      delivery.status = response.status;
      return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: await response.text() };
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  }
}
